"""The DRC's page of the districts' differentiated assessment (/dashboard/districts/): every
district and development zone compared on the admin-defined indicators, one district's
calculation in detail, and the table with its calculation as xlsx (?format=xlsx). The numbers
come from reporting.assessment.scoring; only users who may assess districts see them."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.generic import TemplateView

from accounts.policies import Policy
from portal.responses import xlsx_response
from reporting.assessment import presentation
from reporting.assessment import scoring as assessment
from reporting.assessment.access import can_assess_districts, can_read_district
from reporting.models import PlanYear, ReportingPeriod
from reporting.projects.selectors import district_projects


def _int(value: str | None, low: int, high: int) -> int | None:
    """A whole number in [low, high] from the query string, or None (then the default)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


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
                **self.selectors(result),
                **kwargs,
            )
        )
