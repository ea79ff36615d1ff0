"""Pages of the statistics bureau's monthly analysis (under /stats/analysis/): a month's
analyses with whether its figures have arrived, the page statistics staff write one on, and an
analysis's history. Access through reporting.analysis.access; writes through its services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import require
from accounts.policies import Policy
from portal.months import previous_month
from reporting.analysis import selectors, services
from reporting.analysis.access import (
    access_analysis_month,
    access_analysis_scope,
    can_read_analyses,
    can_write_analysis,
    readable_industries,
)
from reporting.analysis.forms import AnalysisForm
from reporting.models import ReportingPeriod
from reporting.periods import services as periods

# The months offered in the page's month list.
MONTHS_LISTED = 24


class AnalysisHomeView(View):
    """To the month whose analysis is being written: the month just ended."""

    access_policy = Policy.OBJECT

    def get(self, request):
        require(can_read_analyses(request.user))
        today = periods.today()
        periods.periods_ensure(today)
        period = periods.period_get_or_create(*previous_month(today.year, today.month))
        return redirect("analysis:month", period.slug)


class AnalysisMonthView(TemplateView):
    """A month's statistics: whether its figures have arrived, and each analysis (the city's
    and each industry's the user reads) with its author, time and whether it was on time."""

    access_policy = Policy.OBJECT
    template_name = "reporting/analysis/analysis_month.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        period = access_analysis_month(user=user, slug=self.kwargs["month"])
        today = periods.today()
        past = Q(year__lt=today.year) | Q(year=today.year, month__lt=today.month)
        return super().get_context_data(
            period=period,
            status=selectors.month_status(period, readable_industries(user), today),
            months=list(ReportingPeriod.objects.filter(past)[:MONTHS_LISTED]),
            can_write=can_write_analysis(user),
            month_over=today > period.last_day,
            **kwargs,
        )


class AnalysisEditView(TemplateView):
    """Statistics staff write (or revise) one analysis: an industry's, or the city's."""

    access_policy = Policy.OBJECT
    template_name = "reporting/analysis/analysis_form.html"

    def scope(self):
        return access_analysis_scope(
            user=self.request.user,
            slug=self.kwargs["month"],
            scope=self.kwargs["scope"],
            write=True,
        )

    def get(self, request, *args, **kwargs):
        period, industry = self.scope()
        analysis = selectors.analysis_for(period, industry)
        form = AnalysisForm(
            initial={
                "text": analysis.text if analysis else "",
                "version": analysis.version if analysis else 0,
            }
        )
        return self.render_to_response(self.context(period, industry, analysis, form))

    def post(self, request, *args, **kwargs):
        period, industry = self.scope()
        form = AnalysisForm(request.POST)
        if not form.is_valid():
            analysis = selectors.analysis_for(period, industry)
            return self.render_to_response(
                self.context(period, industry, analysis, form), status=400
            )
        try:
            services.analysis_save(
                period=period,
                industry=industry,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
        except services.ConcurrentEditError:
            current = selectors.analysis_for(period, industry)
            messages.error(
                request,
                _(
                    "Not sent: a colleague sent this analysis while you were writing. Your text "
                    "is still in the form below and was also kept in the history; compare it "
                    "with theirs, then send again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = current.version if current else 0
            return self.render_to_response(
                self.context(period, industry, current, form, conflict=current), status=409
            )
        except ValidationError as exc:
            form.add_error("text", exc)
            analysis = selectors.analysis_for(period, industry)
            return self.render_to_response(
                self.context(period, industry, analysis, form), status=400
            )
        messages.success(
            request,
            _("The analysis of %(scope)s for %(month)s was sent.")
            % {"scope": industry.name if industry else _("the city as a whole"), "month": period},
        )
        return redirect("analysis:month", period.slug)

    def context(self, period, industry, analysis, form, conflict=None):
        return self.get_context_data(
            period=period,
            industry=industry,
            analysis=analysis,
            form=form,
            conflict=conflict,
            month_over=periods.today() > period.last_day,
        )


class AnalysisHistoryView(TemplateView):
    """Every text an analysis has had, with who sent it and when (refused saves included)."""

    access_policy = Policy.OBJECT
    template_name = "reporting/analysis/analysis_history.html"

    def get_context_data(self, **kwargs):
        period, industry = access_analysis_scope(
            user=self.request.user, slug=self.kwargs["month"], scope=self.kwargs["scope"]
        )
        analysis = selectors.analysis_for(period, industry)
        return super().get_context_data(
            period=period,
            industry=industry,
            analysis=analysis,
            events=selectors.analysis_history(analysis),
            **kwargs,
        )
