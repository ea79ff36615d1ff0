"""Figures sent as JSON, written as the workbook the importer reads (chains.figures.layout): one
header row, then one sheet row per JSON row, so that rows[i] is sheet row i + 2 in every
message. The workbook is then stored and checked like any uploaded file: JSON and xlsx go
through the same checks, with the same messages, and the import keeps the file it imported."""

import io

import openpyxl

from chains.choices import ImportKind
from chains.figures.models import Indicator, IndicatorPeriod
from portal import spreadsheets

# rows[0] is the sheet's second row: the first holds the header.
FIRST_ROW = 2

KEY_COLUMNS = {
    ImportKind.INDUSTRY_FIGURES: (
        ("industry", "产业"),
        ("subsegment", "细分领域"),
        ("district", "区"),
    ),
    ImportKind.ENTERPRISE_FIGURES: (("credit_code", "统一社会信用代码"), ("name", "企业名称")),
}


def value_header(indicator: Indicator) -> str:
    """The header the importer reads as this indicator, e.g. 工业总产值当月(万元)."""
    period = "当月" if indicator.period == IndicatorPeriod.MONTH else "累计"
    return f"{indicator.name}{period}({indicator.unit})"


def figures_workbook(*, kind: str, rows: list[dict], indicators: list[Indicator]) -> bytes:
    """The xlsx of the rows: the key columns, a 月份 column when any row names its month, and
    for each indicator (in the catalogue's order) its value column followed by its 同比 column
    when any row gives a growth rate for it."""
    keys = KEY_COLUMNS[kind]
    with_month = any(row.get("month") for row in rows)
    with_yoy = {code for row in rows for code in (row.get("yoy") or {})}
    header = [label for _key, label in keys] + (["月份"] if with_month else [])
    columns: list[tuple[str, str]] = []  # (figures or yoy, indicator code)
    for indicator in indicators:
        header.append(value_header(indicator))
        columns.append(("figures", indicator.code))
        if indicator.code in with_yoy:
            # "同比" alone belongs to the value column just before it.
            header.append("同比增长(%)")
            columns.append(("yoy", indicator.code))

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(kind))
    sheet.append(header)
    for row in rows:
        cells = [row.get(key) for key, _label in keys]
        if with_month:
            cells.append(row.get("month"))
        cells += [(row.get(part) or {}).get(code) for part, code in columns]
        # Text that a spreadsheet would run as a formula is written as text (the importer
        # refuses formulas; the name is refused as unknown, which is what it is).
        sheet.append([spreadsheets.cell(value) for value in cells])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(kind: str) -> str:
    return "企业月度数据" if kind == ImportKind.ENTERPRISE_FIGURES else "产业指标"
