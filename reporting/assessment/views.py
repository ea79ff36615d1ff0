"""The DRC's page of the districts' differentiated assessment (/dashboard/districts/): every
district and development zone compared on the admin-defined indicators, one district's
calculation in detail, and the table with its calculation as xlsx (?format=xlsx). The numbers
come from reporting.assessment.scoring; only users who may assess districts see them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.policies import Policy
from chains.models import Unit
from portal.responses import xlsx_response
from portal.viewhelpers import error_text
from reporting.assessment import narratives, presentation
from reporting.assessment import scoring as assessment
from reporting.assessment.access import can_assess_districts, can_read_district, own_district_code
from reporting.models import PlanYear, ReportingPeriod
from reporting.projects.selectors import district_projects


def _int(value: str | None, low: int, high: int) -> int | None:
    """A whole number in [low, high] from the query string, or None (then the default)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


REFUSED_NARRATIVE = "refused_narrative"


class DistrictAssessmentMixin:
    access_policy = Policy.OBJECT

    def allowed(self) -> bool:
        return can_assess_districts(self.request.user)

    def compute(self) -> assessment.Assessment:
        if not self.allowed():
            raise PermissionDenied
        year = _int(self.request.GET.get("year"), 2000, 2100) or assessment.default_year()
        month = _int(self.request.GET.get("month"), 0, 12)
        return assessment.district_assessment(year=year, as_of_month=month)

    def selectors(self, result: assessment.Assessment) -> dict:
        years = (
            set(ReportingPeriod.objects.order_by().values_list("year", flat=True).distinct())
            | set(PlanYear.objects.values_list("year", flat=True))
            | {result.year}
        )
        return {
            "years": sorted(years, reverse=True),
            "months": range(0, 13),
            "definitions": [
                (label, presentation.DEFINITIONS[metric])
                for metric, label in assessment.AssessmentMetric.choices
            ],
            "rules": presentation.RULES,
        }


class DistrictAssessmentView(DistrictAssessmentMixin, TemplateView):
    """The comparison table of every district; ?format=xlsx downloads it with the calculation."""

    template_name = "reporting/assessment/district_assessment.html"

    def get(self, request, *args, **kwargs):
        result = self.compute()
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                presentation.workbook(result),
                f"市对区差异化考核{result.year}年{result.month}月.xlsx",
            )
        return self.render_to_response(
            self.get_context_data(result=result, **self.selectors(result), **kwargs)
        )


class DistrictAssessmentDetailView(DistrictAssessmentMixin, TemplateView):
    """One district's numbers and how each was reached, with its rank among all: the DRC's,
    and the district's own (its staff see no other district's row)."""

    template_name = "reporting/assessment/district_assessment_detail.html"

    def allowed(self) -> bool:
        return can_read_district(self.request.user, self.kwargs["code"])

    def refused_text(self, code: str, year: int) -> str | None:
        """The summary the district typed and the last save refused, shown once."""
        kept = self.request.session.get(REFUSED_NARRATIVE)
        if kept and kept.get("code") == code and kept.get("year") == year:
            del self.request.session[REFUSED_NARRATIVE]
            return kept.get("text", "")
        return None

    def get(self, request, code, *args, **kwargs):
        result = self.compute()
        row = result.row_for(code)
        if row is None:
            raise Http404("No such district or development zone.")
        return self.render_to_response(
            self.get_context_data(
                result=result,
                row=row,
                compares=can_assess_districts(request.user),
                projects=district_projects(row.unit),
                narratives=narratives.narratives(row.unit, result.year),
                refused_text=self.refused_text(code, result.year),
                writes_narrative=own_district_code(request.user) == code,
                **self.selectors(result),
                **kwargs,
            )
        )


class DistrictNarrativeView(View):
    """The district's own summary of its year, saved from its assessment page."""

    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, code):
        unit = Unit.objects.filter(code=code, kind__in=["district", "zone"]).first()
        if unit is None:
            raise Http404("No such district or development zone.")
        if own_district_code(request.user) != code:
            raise PermissionDenied
        year = _int(request.POST.get("year"), 2000, 2100)
        version = _int(request.POST.get("version"), 0, 100000)
        back = f"{reverse('district_assessment_detail', args=[code])}?year={year or ''}"
        if year is None or version is None:
            messages.error(request, _("The page is out of date: reload it and try again."))
            return redirect(back)
        text = request.POST.get("text", "")
        try:
            narratives.narrative_save(
                unit=unit, user=request.user, year=year, text=text, version=version
            )
            messages.success(request, _("The summary of the year is saved."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            # Nothing is lost: the refused text comes back in the form, once.
            request.session[REFUSED_NARRATIVE] = {"code": code, "year": year, "text": text}
        return redirect(back)
