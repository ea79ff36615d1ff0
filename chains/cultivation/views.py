"""The market-entity cultivation page (市场主体培育): the tier pipeline, the year's new
recognitions and the doubling plan's progress, for the industries the user may see."""

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.access import access_industry, industries_for
from accounts.policies import Policy
from chains.choices import UnitKind
from chains.cultivation import selectors as cultivation
from chains.figures.layout import TIER_HEADERS
from chains.models import Unit
from portal.responses import sheets_response
from portal.viewhelpers import year_from_request


class CultivationView(TemplateView):
    """Filters: industry (one the user may view, else 403), district, year, and whether to
    break the pipeline down by district. `format=xlsx` exports the pipeline table."""

    access_policy = Policy.OBJECT
    template_name = "chains/cultivation/cultivation.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        visible = list(industries_for(user).order_by("position"))
        code = request.GET.get("industry") or ""
        # A filter to an industry the user does not view answers 403, as its own page does.
        industry = access_industry(user=user, code=code) if code else None
        selected = [industry] if industry else visible
        districts = list(Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]))
        district = None
        if request.GET.get("district"):
            district = next((d for d in districts if d.code == request.GET["district"]), None)
            if district is None:
                raise Http404("No such district.")
        year = year_from_request(request)
        by_district = request.GET.get("by") == "district"
        table = cultivation.pipeline(
            industries=selected, year=year, district=district, by_district=by_district
        )
        if request.GET.get("format") == "xlsx":
            scope = industry.name if industry else "全部产业"
            where = district.name if district else ""
            return sheets_response(
                f"市场主体培育{scope}{where}{year}年", [("培育梯次", pipeline_sheet(table))]
            )
        this_year = timezone.localdate().year
        return self.render_to_response(
            self.get_context_data(
                industries=visible,
                industry=industry,
                districts=districts,
                district=district,
                year=year,
                by_district=by_district,
                years=sorted({*range(this_year, this_year - 6, -1), year}, reverse=True),
                pipeline=table,
                recognitions=cultivation.new_recognitions(
                    industries=selected, year=year, district=district
                ),
                doubling=cultivation.doubling_progress(industries=selected, year=year),
            )
        )


def pipeline_sheet(table: cultivation.Pipeline) -> list[list]:
    """The pipeline as rows for the workbook, with the tiers named as in the bureau's files."""
    district_column = ["区"] if table.by_district else []
    rows = [
        [
            "产业",
            *district_column,
            "梯次",
            "培育对象（家）",
            f"已认定（截至{table.year}年，家）",
            *[f"{y}年认定" for y in table.years],
        ]
    ]
    for row in table.rows:
        district = [row.district.name if row.district else "—"] if table.by_district else []
        rows.append(
            [
                row.industry.name,
                *district,
                TIER_HEADERS[row.tier][0],
                row.candidates,
                row.recognised,
                *row.by_year,
            ]
        )
    for row in table.totals:
        rows.append(
            [
                "合计",
                *([""] if table.by_district else []),
                TIER_HEADERS[row.tier][0],
                row.candidates,
                row.recognised,
                *row.by_year,
            ]
        )
    return rows
