"""Making sense of the layouts statistics bureaus send: title rows above the header, a header
of one or two rows with merged cells, a units row, Chinese headers with units in brackets,
totals rows, thousands separators and "—" for missing values."""

import re
from dataclasses import dataclass, field

import pandas as pd

from chains.choices import ImportKind
from chains.figures.workbook import SpreadsheetError, Table, column_letter

KEY_HEADERS = {
    "industry": ("产业", "产业名称", "重点产业", "行业", "产业链"),
    "subsegment": ("细分领域", "细分行业", "子行业", "细分产业"),
    "district": ("区", "所在区", "区域", "辖区", "地区"),
    "month": ("月份", "统计月份", "时间", "期别", "报告期"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码"),
    "enterprise": ("企业名称", "企业", "单位名称"),
    "above_size": ("是否规上", "规上企业", "是否规模以上", "规模以上"),
}
TIER_HEADERS = {
    "high_tech": ("国家高新技术企业", "高新技术企业", "国家高新"),
    "little_giant": ('专精特新"小巨人"', "专精特新“小巨人”", "专精特新小巨人", "小巨人"),
    "unicorn": ("独角兽", "独角兽企业"),
    "hidden_champion": ("隐形冠军", "隐形冠军企业"),
    "single_champion": ("制造业单项冠军", "单项冠军"),
}
TOTAL_LABELS = ("合计", "总计", "全市合计", "全市", "小计", "总 计", "合 计")
MISSING = {"", "-", "—", "——", "－", "/", "…", "...", "nan", "None", "无", "*"}
UNITS = {"万元", "亿元", "%", "元", "个", "家", "千元"}
MONTH_WORDS = ("当月", "本月")
CUMULATIVE = re.compile(r"累计|1\s*[-—–~～至]\s*\d{1,2}\s*月")
YOY_WORDS = ("同比", "增长", "增速", "增幅")
LAST_YEAR_WORDS = ("上年", "去年", "同期")  # last year's figures: not this file's to import
UNIT_NOTE = re.compile(r"单位[:：]\s*(万元|亿元|千元|元)")
TITLE_MONTH = re.compile(r"(20\d{2})\s*年\s*(?:1?\d\s*[-—–~～至]\s*)?(1[0-2]|0?[1-9])\s*月")
CELL_MONTH = re.compile(r"^(20\d{2})\s*[-/.年]\s*(1[0-2]|0?[1-9])\s*月?$")
BRACKETS = re.compile(r"[（(]\s*([^）)]*)\s*[）)]")


def text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"\s+", "", str(value)).replace("\u3000", "")


def split_unit(label: str) -> tuple[str, str]:
    """'工业总产值（万元）' → ('工业总产值', '万元')."""
    unit = ""
    for inside in BRACKETS.findall(label):
        if inside in UNITS:
            unit = inside
    return BRACKETS.sub(lambda m: "" if m.group(1) in UNITS else m.group(0), label).strip(), unit


@dataclass
class ValueColumn:
    column: int
    name: str  # the indicator's name as written
    period: str  # "month" / "cumulative"
    unit: str
    yoy_column: int | None = None


@dataclass
class Layout:
    kind: str
    header_row: int  # 0-based row of the (first) header
    data_start: int  # 0-based first row of data
    keys: dict[str, int] = field(default_factory=dict)  # key name → column
    tiers: dict[str, int] = field(default_factory=dict)
    values: list[ValueColumn] = field(default_factory=list)
    title_month: tuple[int, int] | None = None
    title_unit: str = ""
    unknown_columns: list[str] = field(default_factory=list)


def find_header(frame: pd.DataFrame) -> int:
    aliases = {
        a
        for names in (
            KEY_HEADERS["industry"],
            KEY_HEADERS["credit_code"],
            KEY_HEADERS["enterprise"],
        )
        for a in names
    }
    for row in range(min(len(frame), 12)):
        if any(text(v) in aliases for v in frame.iloc[row]):
            return row
    raise SpreadsheetError(
        "找不到表头：前 12 行中没有“产业”“统一社会信用代码”或“企业名称”列。请使用下载的模板。"
    )


def _key_for(label: str) -> str | None:
    for key, names in KEY_HEADERS.items():
        if label in names:
            return key
    return None


def _tier_for(label: str) -> str | None:
    base = label.replace("（认定年份）", "").replace("(认定年份)", "")
    for tier, names in TIER_HEADERS.items():
        if base in names:
            return tier
    return None


def _period_of(*labels: str) -> str | None:
    joined = "".join(labels)
    if any(w in joined for w in YOY_WORDS):
        return "yoy"
    if CUMULATIVE.search(joined):
        return "cumulative"
    if any(w in joined for w in MONTH_WORDS):
        return "month"
    return None


def _strip_period(label: str) -> str:
    for word in (*MONTH_WORDS, "累计", *YOY_WORDS, "(%)", "（%）"):
        label = label.replace(word, "")
    return re.sub(r"1\s*[-—～~至]\s*\d{0,2}月?", "", label).strip("_-— ")


def detect(table: Table) -> Layout:
    frame = table.frame
    header = find_header(frame)
    top = [text(v) for v in frame.iloc[header]]
    # A merged header cell is read into its first column only: carry it to the right.
    for r1, c1, r2, c2 in table.merged:
        if r1 <= header <= r2 and c1 < len(top):
            for c in range(c1, min(c2, len(top) - 1) + 1):
                top[c] = top[c1]
    below = list(frame.iloc[header + 1]) if header + 1 < len(frame) else []
    sub = [text(v) if isinstance(v, str) else "" for v in below]
    # A second header row holds only words (当月, 累计, 同比 …): a number or a date in it means
    # it is already data (a date such as 2025-11-01 must not pass for "1-11月").
    has_values = any(
        v is not None and not isinstance(v, str) and not (isinstance(v, float) and pd.isna(v))
        for v in below
    )
    two_rows = (
        not has_values and any(_period_of(s) for s in sub) and not any(_key_for(s) for s in sub)
    )
    if two_rows:
        # Merged cells that came through unmerged (or as CSV) leave the top label only over
        # the first of its columns: carry it over the sub-labelled columns that follow.
        for col in range(1, len(top)):
            if not top[col] and col < len(sub) and _period_of(sub[col]):
                top[col] = top[col - 1]
    data_start = header + (2 if two_rows else 1)
    units = [text(v) for v in frame.iloc[data_start]] if data_start < len(frame) else []
    has_units_row = bool(units) and all((u in UNITS or u == "") for u in units) and any(units)
    if has_units_row:
        data_start += 1

    layout = Layout(kind="", header_row=header, data_start=data_start)
    for title_row in range(header):
        for value in frame.iloc[title_row]:
            label = text(value)
            match = TITLE_MONTH.search(label)
            if (
                match and layout.title_month is None
            ):  # the first date is the data's, not a date of filing
                layout.title_month = (int(match.group(1)), int(match.group(2)))
            unit = UNIT_NOTE.search(label)
            if unit and not layout.title_unit:
                layout.title_unit = unit.group(1)
    last_value: dict[str, ValueColumn] = {}
    for col, label in enumerate(top):
        sub_label = sub[col] if two_rows and col < len(sub) else ""
        if not label and not sub_label:
            continue
        key = _key_for(label)
        if key:
            layout.keys[key] = col
            continue
        tier = _tier_for(label)
        if tier:
            layout.tiers[tier] = col
            continue
        if any(w in label + sub_label for w in LAST_YEAR_WORDS):
            layout.unknown_columns.append(
                f"{column_letter(col)}列「{label}{sub_label}」（上年数据不导入，请删除该列）"
            )
            continue
        name, unit = split_unit(label)
        sub_name, sub_unit = split_unit(sub_label)
        unit = (
            sub_unit
            or unit
            or (units[col] if has_units_row and col < len(units) else "")
            or layout.title_unit
        )
        period = _period_of(sub_name) or _period_of(name)
        base = _strip_period(name)
        if period == "yoy":
            # "同比" alone belongs to the value column just before it.
            target = (
                last_value.get(base) if base else (layout.values[-1] if layout.values else None)
            )
            if target is None:
                layout.unknown_columns.append(
                    f"{column_letter(col)}列「{label}{sub_label}」（同比列前没有对应的数值列）"
                )
            else:
                target.yoy_column = col
            continue
        if not base:
            layout.unknown_columns.append(f"{column_letter(col)}列「{label}{sub_label}」")
            continue
        column = ValueColumn(column=col, name=base, period=period or "month", unit=unit)
        layout.values.append(column)
        last_value[base] = column

    if ("credit_code" in layout.keys and layout.tiers) or "above_size" in layout.keys:
        layout.kind = ImportKind.ENTERPRISES
    elif "credit_code" in layout.keys:
        layout.kind = ImportKind.ENTERPRISE_FIGURES
    elif "industry" in layout.keys:
        layout.kind = ImportKind.INDUSTRY_FIGURES
    else:
        raise SpreadsheetError(
            "无法识别文件类型：需要“产业”列（产业指标）或“统一社会信用代码”列（重点企业）。"
        )
    return layout


def parse_month(value) -> tuple[int, int] | None:
    if value is None:
        return None
    if hasattr(value, "year") and hasattr(value, "month"):
        return value.year, value.month
    if isinstance(value, (int, float)):
        return None  # 2025.10 typed as a number is 2025.1: ambiguous, refuse it
    match = CELL_MONTH.match(text(value))
    return (int(match.group(1)), int(match.group(2))) if match else None


def is_total(label: str) -> bool:
    return label in TOTAL_LABELS or label.startswith("合计") or label.startswith("总计")
