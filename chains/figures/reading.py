"""The statistics import, step one: a sheet's data rows, months and numbers as the file states
them, and the Plan that collects every row's errors (all-or-nothing: one error refuses the file)."""

from dataclasses import dataclass, field

import pandas as pd

from chains.figures import layout as L
from chains.figures.workbook import column_letter

MAX_ERRORS = 200

YES = {"是", "Y", "y", "yes", "√", "✓", "1", "规上", "TRUE", "True"}

NO = {"否", "N", "n", "no", "×", "0", "", "FALSE", "False"}


@dataclass
class Plan:
    kind: str
    months: list[tuple[int, int]] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped_totals: int = 0
    errors: list[tuple[int, str]] = field(
        default_factory=list
    )  # (sheet row, message); row 0: the file
    records: pd.DataFrame | None = None
    enterprises: list[dict] | None = None
    # What the checks for sense found short of an error (chains.quality.checking.Finding),
    # the first MAX_FINDINGS of findings_total; and the figures the file changes, largest
    # change first (the first MAX_CHANGES).
    findings: list = field(default_factory=list)
    findings_total: int = 0
    changes: list[dict] = field(default_factory=list)
    # The imports applied when the planning started (writing.preview), as (count, last id): an
    # import may use the plan instead of reading the file again if they are still the same.
    imports_seen: tuple[int, int | None] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((row, message))

    def messages(self) -> list[str]:
        return [
            f"第 {row} 行：{message}" if row else message for row, message in sorted(self.errors)
        ]


class ImportRefused(Exception):
    def __init__(self, plan: Plan):
        super().__init__("; ".join(plan.messages()[:5]))
        self.plan = plan


def data_rows(table, layout: L.Layout, plan: Plan) -> pd.DataFrame:
    """The data rows, blank and totals rows removed, with merged cells and formulas reported.
    The index is the 1-based sheet row."""
    frame = table.frame.iloc[layout.data_start :]
    frame.index = frame.index + 1
    used = [
        *layout.keys.values(),
        *layout.tiers.values(),
        *(v.column for v in layout.values),
        *(v.yoy_column for v in layout.values if v.yoy_column is not None),
    ]
    frame = frame.reindex(columns=range(max(used) + 1 if used else 0))
    frame = frame[~frame[used].isna().all(axis=1)]
    first_key = next(
        (layout.keys[k] for k in ("industry", "credit_code", "enterprise") if k in layout.keys),
        None,
    )
    if first_key is not None:
        totals = map_unique(frame[first_key], lambda v: L.is_total(L.text(v))).astype(bool)
        plan.skipped_totals = int(totals.sum())
        frame = frame[~totals]
    for r1, c1, r2, c2 in table.merged:
        if (
            r2 >= layout.data_start
        ):  # merged cells in the header are expected; in data they hide values
            ref = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
            plan.error(
                max(r1, layout.data_start) + 1,
                f"数据区有合并单元格（{ref}）：合并单元格只保留左上角的值，请拆分后逐行填写。",
            )
    used_set = set(used)
    kept = set(frame.index)
    for row, col in table.formulas:
        if row + 1 in kept and col in used_set:
            plan.error(row + 1, f"{column_letter(col)}列是公式：请复制后“选择性粘贴为数值”再导入。")
    # An array formula's other cells hold its results without a formula of their own.
    single = set(table.formulas)
    for r1, c1, r2, c2 in table.formula_ranges:
        columns = sorted(c for c in used_set if c1 <= c <= c2)
        rows = [r for r in frame.index if r1 + 1 <= r <= r2 + 1] if columns else []
        for row in rows:
            if (row - 1, columns[0]) not in single:
                plan.error(
                    row,
                    f"{column_letter(columns[0])}列是数组公式"
                    f"（{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}）的结果：请复制后“选择性粘贴为数值”再导入。",
                )
    return frame


def month_column(rows, layout, plan: Plan, month, today) -> pd.Series:
    if month is None and "month" not in layout.keys:
        month = layout.title_month
    if "month" in layout.keys and month is None:
        parsed = map_unique(rows[layout.keys["month"]], L.parse_month)
        for row in parsed[parsed.isna()].index:
            plan.error(
                row,
                f"月份「{L.text(rows.at[row, layout.keys['month']])}」无法识别，请写成 2026-10 或 2026年10月。",
            )
    elif month is None:
        plan.error(
            0,
            "无法确定数据月份：请在表中加“月份”列、在标题中写明“2026年1-10月”，或在导入时指定月份。",
        )
        return pd.Series([None] * len(rows), index=rows.index, dtype=object)
    else:
        parsed = pd.Series([month] * len(rows), index=rows.index, dtype=object)
    future = map_unique(
        parsed, lambda ym: ym is not None and (ym[0], ym[1]) > (today.year, today.month)
    ).astype(bool)
    for row in parsed[future].index:
        y, m = parsed[row]
        plan.error(row, f"月份 {y}年{m}月 还没有到，不能导入未来月份的数据。")
    return parsed


def number_column(rows: pd.DataFrame, column: int, label: str, plan: Plan) -> pd.Series:
    """Numbers of a column. Cells already numeric pass straight through; text is cleaned of
    thousands separators and percent signs, and "—", "-" or blank mean missing."""
    raw = rows[column]
    numbers = pd.to_numeric(raw, errors="coerce").astype("float64")
    pending = numbers.isna() & raw.notna()
    if pending.any():
        text = raw[pending].astype(str).str.strip().str.replace(r"[,，\s%]", "", regex=True)
        missing = text.isin(L.MISSING)
        parsed = pd.to_numeric(text.where(~missing), errors="coerce")
        numbers[pending] = parsed
        for row in parsed[~missing & parsed.isna()].index:
            plan.error(row, f"{column_letter(column)}列「{label}」不是数字：「{raw[row]}」。")
    return numbers


def map_unique(series: pd.Series, function) -> pd.Series:
    """Apply a function once per distinct value (a month column has a handful, not 100,000)."""
    values = series.astype(object).where(series.notna(), None)
    mapping = {value: function(value) for value in pd.unique(values)}
    return values.map(mapping)
