"""The city overview (the dashboard) and an industry's page, which gathers everything about one
industry: its matrix row, policies, carrier areas and land."""

import hashlib

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.views.generic import TemplateView

from accounts.access import (
    access_industry,
    can_review,
    industries_for,
    industry_roles,
    reads_everything,
)
from accounts.choices import Action
from accounts.policies import Policy
from accounts.selectors import unread_notifications
from chains.matrix.access import can_read_matrix_history
from chains.matrix.history import change_entries
from chains.matrix.selectors import industries_with_assignments, matrix_change_records
from chains.models import Category, Official, Unit
from chains.policies.selectors import policies_for_industry
from chains.teams.selectors import roster as team_roster
from portal import pagecache
from portal.dataversion import cached, topics, versions
from portal.responses import xlsx_response
from portal.viewhelpers import year_param
from reporting.assessment.access import can_assess_districts
from reporting.dashboard import depends, export
from reporting.dashboard import selectors as dashboard
from reporting.dashboard.access import (
    access_dashboard_industries,
    dashboard_industries,
    dashboard_scope,
    reads_city_overview,
    reads_dashboard,
)
from reporting.dashboard.hearing import hearing, hearing_year
from reporting.dashboard.parts import Overview
from reporting.land.selectors import carrier_areas_for_industry
from reporting.models import Meeting, ReportingPeriod
from reporting.periods import selectors as periods_selectors
from reporting.periods import services
from reporting.reports.selectors import annual_status
from reporting.updates import selectors

# The industry page shows its latest changes; the whole record is on MatrixChangeListView.
INDUSTRY_PAGE_CHANGES = 10


class IndustryDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/dashboard/industry_detail.html"

    def get_context_data(self, **kwargs):
        industry = access_industry(user=self.request.user, code=self.kwargs["code"])
        industry = industries_with_assignments().prefetch_related("subsegments").get(pk=industry.pk)
        shared_with = industry.assignment.industries.exclude(pk=industry.pk).order_by("position")
        my_action = industry_roles(self.request.user).get(industry.pk)
        return super().get_context_data(
            industry=industry,
            shared_with=list(shared_with),
            my_action=my_action,
            carrier_areas=carrier_areas_for_industry(industry),
            team=team_roster(industry),
            can_edit_team=bool(self.request.user.unit_id) and my_action == Action.FILE,
            meetings=list(Meeting.objects.filter(industry=industry).order_by("-date")[:6]),
            policies=policies_for_industry(industry),
            # chains.policies.access.can_edit_policies, read from the roles already loaded
            can_edit_policies=bool(self.request.user.unit_id) and my_action == Action.FILE,
            matrix_history=change_entries(
                matrix_change_records(industry)[:INDUSTRY_PAGE_CHANGES], industry.name
            ),
            can_read_matrix_history=can_read_matrix_history(self.request.user),
            **kwargs,
        )


# The dashboard's query parameters: a page with any other is made and not kept.
FILTERS = ("month", "category", "industry", "official", "unit", "district", "format")


class DashboardView(TemplateView):
    """The DRC's view of the whole system for a month; a city leader sees the industries he or
    she leads. Every table exports to xlsx (?format=xlsx)."""

    access_policy = Policy.OBJECT
    template_name = "reporting/dashboard/dashboard.html"
    xlsx = None

    def get(self, request, *args, **kwargs):
        if not reads_dashboard(request.user):
            raise PermissionDenied
        today = self.today = services.today()
        services.periods_ensure(today)
        # Read before anything the page shows (the month first): a write meanwhile leaves them
        # past the stamp kept with the page. The parts' own topics are read before the parts.
        early = self.early = versions([*depends.BASE, topics.REPORTS])
        self.period = self.month_shown(today)
        if request.GET.get("format") == "xlsx":
            context = self.get_context_data(**kwargs)
            return xlsx_response(self.xlsx, f"工作看板{context['period']}.xlsx")

        def make():
            context = self.get_context_data(**kwargs)
            response = self.render_to_response(context).render()
            parts = context["shown_versions"]
            return response, None if None in (early, parts) else {**parts, **early}

        if set(request.GET) - set(FILTERS):  # not a page of the dashboard's: made, not kept
            return make()[0]

        # The whole page, kept for this user's session while nothing it shows changes: the
        # month (the one asked, or the one waiting for review), the day, the header's count.
        shown = (self.period.pk, today, unread_notifications(request))
        return pagecache.served(request, "dashboard", shown, make)

    def month_shown(self, today):
        """The month asked for (?month=), else the one the DRC most likely reviews: kept while
        no update is submitted or reviewed anywhere (topics.WORK) and the months stay."""
        slug = self.request.GET.get("month")
        if slug:
            return periods_selectors.period_by_slug(slug)
        return cached(
            ("dashboard-month", today.isoformat()),
            lambda: selectors.default_review_period(today),
            (topics.WORK, topics.PERIODS),
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        today, period = self.today, self.period
        category = self.request.GET.get("category") or ""
        industry = self.request.GET.get("industry") or ""
        official = self.request.GET.get("official") or ""
        unit = self.request.GET.get("unit") or ""
        district_code = self.request.GET.get("district") or ""
        # A city leader's filters stay within his or her industries (403 otherwise).
        allowed = dashboard_scope(user)
        industries = (
            access_dashboard_industries(
                user=user,
                scope=allowed,
                category=category,
                industry=industry,
                official=official,
                unit=unit,
            )
            .select_related("category", "assignment")
            .order_by("category__position", "position")
        )
        district = (
            Unit.objects.filter(code=district_code, kind__in=["district", "zone"]).first()
            if district_code
            else None
        )
        months = list(
            ReportingPeriod.objects.filter(
                Q(year__lt=period.year) | Q(year=period.year, month__lte=period.month)
            ).order_by("-year", "-month")[:12]
        )[::-1]
        scope = ",".join(str(pk) for pk in sorted(i.pk for i in industries))
        # Land items tied to no industry count only in a system-wide reader's unfiltered view.
        everything = reads_everything(user) and not (category or industry or official or unit)

        scope_key = hashlib.sha1(
            f"{category}|{industry}|{official}|{unit}|{district_code}|{scope}".encode()
        ).hexdigest()[:16]
        # Names are put in the UI's language as they are read: one entry per language.
        key = f"{today}:{period.pk}:{scope_key}:{int(everything)}:{get_language()}"
        overview = Overview(
            period=period,
            months=months,
            industries=industries,
            district=district,
            everything=everything,
            today=today,
            key=key,
            read_before=self.early,
        )
        # Read only if the page's cached fragment is missing (see the template).
        data = SimpleLazyObject(overview.data)
        if self.request.GET.get("format") == "xlsx":
            self.xlsx = export.workbook(period, overview.data())

        def choices():
            # The filters' choices change only with the matrix or a new month: cached likewise.
            offered = dict(
                dashboard.cached(
                    ("filters",),
                    lambda: {
                        "periods": list(ReportingPeriod.objects.all()[:36]),
                        "categories": list(Category.objects.all()),
                        "officials": list(Official.objects.all()),
                        "lead_units": list(
                            Unit.objects.filter(assignment_links__role="lead")
                            .distinct()
                            .order_by("position")
                        ),
                        "districts": list(Unit.objects.filter(kind="district")),
                    },
                    depends.BASE,
                )
            )
            offered["industries"] = list(
                dashboard_industries(user).order_by("category__position", "position")
            )
            if allowed is not None:  # a leader or a lead unit: only its industries' values
                offered["categories"] = [
                    c for c in offered["categories"] if c.code in allowed["category"]
                ]
                offered["officials"] = [
                    o for o in offered["officials"] if o.code in allowed["official"]
                ]
                offered["lead_units"] = [
                    u for u in offered["lead_units"] if u.code in allowed["unit"]
                ]
            return offered

        version = overview.stamp
        # The filters are cached with the rest of the page: they offer the user's industries
        # (every one to a system-wide reader) and what selects them.
        reach = (
            "all"
            if allowed is None
            else hashlib.sha1(
                repr(sorted((name, sorted(codes)) for name, codes in allowed.items())).encode()
            ).hexdigest()[:16]
        )
        return super().get_context_data(
            period=period,
            category=category,
            industry=industry,
            official=official,
            unit=unit,
            district=district_code,
            # Read only if the page's cached fragment is missing.
            filters=SimpleLazyObject(choices),
            months=months,
            dash=data,
            shown_versions=overview.versions,
            cache_key=f"{version}:{key}:{reach}",
            # Cache down (no version): the fragment is rendered and not stored.
            cache_seconds=3600 if version is not None else 0,
            one_industry="," not in scope and bool(scope),
            assesses_districts=can_assess_districts(user),
            annual_report=SimpleLazyObject(lambda: annual_status(today, drafts=can_review(user))),
            **kwargs,
        )


class HearingView(TemplateView):
    """The annual hearing for the city's principal leaders (and every reader of the overview)."""

    access_policy = Policy.OBJECT
    template_name = "reporting/dashboard/hearing.html"

    def get_context_data(self, **kwargs):
        if not reads_city_overview(self.request.user):
            raise PermissionDenied
        today = services.today()
        default = hearing_year(today)
        year = year_param(self.request.GET.get("year"), default=default, today=today)
        return super().get_context_data(
            hearing=hearing(year, industries_for(self.request.user)),
            years=range(default, default - 5, -1),
            **kwargs,
        )
