"""Reads of the API, each in a fixed number of queries: an import as the API shows it (its
changes and flags named as on the preview page), the matrix, the indicators and the current
industry figures."""

from django.db.models import QuerySet

from chains.api.workbooks import FIRST_ROW
from chains.figures.models import FigureImport, Indicator, IndustryFigure
from chains.matrix.selectors import assignment_row, industries_with_assignments
from chains.quality import selectors as quality_selectors


def _number(value):
    return None if value is None else float(value)


def import_body(record: FigureImport, *, from_json: bool | None = None) -> dict:
    """An import: state, months, counts, every error, the changes (largest first) and the
    flags of its checks for sense with whether each is confirmed. Seven queries."""
    review = quality_selectors.import_review(record)
    codes = dict(Indicator.objects.values_list("pk", "code"))
    body = {
        "id": record.pk,
        "status": record.status,
        "status_display": record.get_status_display(),
        "kind": record.kind,
        "file_name": record.original_name,
        "uploaded_at": record.uploaded_at,
        "applied_at": record.applied_at,
        "months": record.months,
        "rows_added": record.rows_added,
        "rows_changed": record.rows_changed,
        "rows_unchanged": record.rows_unchanged,
        "errors": record.errors,
        "changes": [
            {
                "sheet_row": c["sheet_row"],
                "where": c["where"],
                "indicator": codes.get(c["indicator_id"]),
                "indicator_name": c["indicator"],
                "year": c["year"],
                "month": c["month"],
                "old": c["old"],
                "new": c["new"],
                "old_yoy": c["old_yoy"],
                "new_yoy": c["new_yoy"],
                "change_percent": c["change"],
            }
            for c in review["changes"]
        ],
        "findings_total": record.findings_total,
        "flags": [
            {
                "id": f["flag"].pk,
                "kind": f["flag"].kind,
                "test": f["flag"].test,
                "importance": f["flag"].importance,
                "sheet_row": f["flag"].sheet_row,
                "where": f["where"],
                "indicator": codes.get(f["flag"].indicator_id),
                "indicator_name": f["indicator"],
                "year": f["flag"].year,
                "month": f["flag"].month,
                "value": _number(f["flag"].value),
                "message": f["flag"].message,
                "confirmed": f["flag"].confirmed_at is not None,
                "confirmation": f["flag"].confirmation,
            }
            for f in review["findings"]
        ],
        "unconfirmed_flags": review["unconfirmed"],
    }
    if from_json is None:
        from_json = record.original_name.endswith(".json.xlsx")
    body["first_row"] = FIRST_ROW if from_json else None
    return body


def matrix_industries() -> list[dict]:
    """Each industry with its category, lead officials, lead and responsible units. Three
    queries, however many industries."""
    return [
        {
            "code": industry.code,
            "name": industry.name,
            "name_en": industry.name_en,
            "category": industry.category.code,
            "category_name": industry.category.name,
            **assignment_row(industry.assignment),
        }
        for industry in industries_with_assignments().order_by(
            "category__position", "position", "id"
        )
    ]


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.order_by("position", "code")


def current_industry_figures(
    *, industry: str | None = None, year: int | None = None, month: int | None = None
) -> QuerySet[IndustryFigure]:
    """The current industry figures (the newest import of each month), filtered; one query a
    page, with what each row names."""
    figures = IndustryFigure.objects.filter(is_current=True)
    if industry:
        figures = figures.filter(industry__code=industry)
    if year:
        figures = figures.filter(year=year)
    if month:
        figures = figures.filter(month=month)
    return figures.select_related("industry", "subsegment", "district", "indicator").order_by(
        "industry__position",
        "industry_id",
        "year",
        "month",
        "subsegment_id",
        "district_id",
        "indicator__position",
        "id",
    )
