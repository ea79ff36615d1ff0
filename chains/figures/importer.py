"""The one import service for the statistics bureau's files, used by the upload page and by
`import_statistics`: read safely, plan (every row checked, every error with its sheet row and a
reason in Chinese, counts of rows to add and change), then apply all or nothing.

Rows are checked column by column with pandas, not one by one in Python, and written with
PostgreSQL's COPY (bulk_create elsewhere), so a 100,000-row file imports in seconds."""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
from django.core.files import File
from django.db import connection, transaction
from django.db.models import FloatField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from .. import creditcode
from ..choices import UnitKind
from ..models import (
    Enterprise,
    EnterpriseFigure,
    EnterpriseTier,
    FigureImport,
    Indicator,
    Industry,
    IndustryFigure,
    SubSegment,
    Unit,
)
from ..models.figures import ImportKind, ImportStatus, TierStage
from . import layout as L
from .workbook import SpreadsheetError, column_letter, read_table

logger = logging.getLogger(__name__)

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


# --- planning ----------------------------------------------------------------------------------


def plan_file(
    path: Path,
    original_name: str,
    *,
    month: tuple[int, int] | None = None,
    today: datetime.date | None = None,
) -> Plan:
    """Read and check a file; nothing is written. Raises SpreadsheetError for an unreadable file."""
    today = today or timezone.localdate()
    table = read_table(path, original_name)
    layout = L.detect(table)
    plan = Plan(kind=layout.kind)
    for label in layout.unknown_columns:
        plan.error(0, f"无法识别的列：{label}")
    rows = _data_rows(table, layout, plan)
    if plan.errors and not rows.size:
        return plan
    if rows.empty:
        plan.error(0, "文件中没有数据行（表头下方全部为空或只有合计行）。")
        return plan
    if layout.kind == ImportKind.ENTERPRISES:
        _plan_enterprises(rows, layout, plan, today)
    else:
        _plan_figures(rows, layout, plan, month, today)
    return plan


def _data_rows(table, layout: L.Layout, plan: Plan) -> pd.DataFrame:
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
        totals = _map_unique(frame[first_key], lambda v: L.is_total(L.text(v))).astype(bool)
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


def _map_unique(series: pd.Series, function) -> pd.Series:
    """Apply a function once per distinct value (a month column has a handful, not 100,000)."""
    values = series.astype(object).where(series.notna(), None)
    mapping = {value: function(value) for value in pd.unique(values)}
    return values.map(mapping)


def _lookup(series: pd.Series, mapping: dict, plan: Plan, message) -> pd.Series:
    labels = _map_unique(series, L.text)
    ids = labels.map(mapping)
    for row, label in labels[ids.isna() & (labels != "")].items():
        plan.error(row, message(label))
    return ids


def _industry_map() -> dict[str, int]:
    mapping = {}
    for pk, name in Industry.objects.values_list("pk", "name"):
        mapping[name] = pk
        for suffix in ("产业集群", "产业"):
            if name.endswith(suffix):
                mapping.setdefault(name[: -len(suffix)], pk)
    return mapping


def _subsegment_map() -> dict[tuple[int, str], int]:
    return {
        (ind, name): pk
        for pk, ind, name in SubSegment.objects.values_list("pk", "industry_id", "name")
    }


def _district_map() -> dict[str, int]:
    return dict(
        Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]).values_list("name", "pk")
    )


def _months(rows, layout, plan: Plan, month, today) -> pd.Series:
    if month is None and "month" not in layout.keys:
        month = layout.title_month
    if "month" in layout.keys and month is None:
        parsed = _map_unique(rows[layout.keys["month"]], L.parse_month)
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
    future = _map_unique(
        parsed, lambda ym: ym is not None and (ym[0], ym[1]) > (today.year, today.month)
    ).astype(bool)
    for row in parsed[future].index:
        y, m = parsed[row]
        plan.error(row, f"月份 {y}年{m}月 还没有到，不能导入未来月份的数据。")
    return parsed


def _values(rows: pd.DataFrame, column: int, label: str, plan: Plan) -> pd.Series:
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


def _indicator_for(
    value: L.ValueColumn, plan: Plan, indicators, header_row: int
) -> tuple[Indicator | None, float]:
    # Those in use first: an alias an indicator out of use shares with one in use is the
    # latter's.
    indicators = sorted(indicators, key=lambda i: not i.is_active)
    for indicator in indicators:
        if (
            not value.unit
            and indicator.unit != "%"
            and value.name in {indicator.name, *indicator.aliases.split(",")}
        ):
            plan.error(
                0,
                f"{column_letter(value.column)}列「{value.name}」没有注明单位（万元或亿元）：请在表头、单位行或标题中写明，以免数量级出错。",
            )
            return None, 1.0
        names = {indicator.name, *(a.strip() for a in indicator.aliases.split(",") if a.strip())}
        if value.name in names and indicator.period == value.period:
            factor = 1.0
            if value.unit and value.unit != indicator.unit:
                conversions = {
                    ("亿元", "万元"): 10000.0,
                    ("万元", "亿元"): 0.0001,
                    ("元", "万元"): 0.0001,
                    ("千元", "万元"): 0.1,
                }
                factor = conversions.get((value.unit, indicator.unit))
                if factor is None:
                    plan.error(
                        0,
                        f"指标「{value.name}」的单位是 {value.unit}，与系统设定的 {indicator.unit} 不一致，无法换算。",
                    )
                    return None, 1.0
            if not indicator.is_active:
                plan.error(
                    header_row,
                    f"{column_letter(value.column)}列「{value.name}」（{_period_label(value)}）"
                    "是已停用的指标，不再导入：请删除该列后再导入；如仍需导入，请管理员在后台"
                    "“指标”中重新启用。",
                )
                return None, 1.0
            return indicator, factor
    known = "、".join(sorted({i.name for i in indicators if i.is_active}))
    plan.error(
        0,
        f"未知指标「{value.name}」（{_period_label(value)}）。系统中的指标有：{known}。如需新增指标，请联系管理员。",
    )
    return None, 1.0


def _period_label(value: L.ValueColumn) -> str:
    return "当月" if value.period == "month" else "累计"


def _plan_figures(rows, layout: L.Layout, plan: Plan, month, today) -> None:
    enterprise_file = layout.kind == ImportKind.ENTERPRISE_FIGURES
    months = _months(rows, layout, plan, month, today)
    keys = pd.DataFrame(index=rows.index)
    unknown_keys = set()  # rows naming a sub-segment or district that does not exist
    if enterprise_file:
        codes = _map_unique(
            rows[layout.keys["credit_code"]], lambda v: creditcode.normalise(L.text(v))
        )
        known = dict(Enterprise.objects.values_list("credit_code", "pk"))
        keys["enterprise_id"] = codes.map(known)
        for row, code in codes[keys["enterprise_id"].isna()].items():
            plan.error(
                row,
                f"未知企业：统一社会信用代码「{code}」不在重点企业名录中（请先导入企业名录）。"
                if code
                else "缺少统一社会信用代码。",
            )
        key_columns = ["enterprise_id"]
    else:
        keys["industry_id"] = _lookup(
            rows[layout.keys["industry"]], _industry_map(), plan, lambda v: f"未知产业「{v}」。"
        )
        for row in rows.index[rows[layout.keys["industry"]].map(L.text) == ""]:
            plan.error(row, "缺少产业名称。")
        keys["subsegment_id"] = None
        if "subsegment" in layout.keys:
            segments = _subsegment_map()
            names = rows[layout.keys["subsegment"]].map(L.text)
            for row, name in names[names != ""].items():
                ind = keys.at[row, "industry_id"]
                pk = segments.get((ind, name))
                if pk is None and not pd.isna(ind):
                    plan.error(
                        row, f"该产业下没有细分领域「{name}」（细分领域由管理员在后台维护）。"
                    )
                    unknown_keys.add(row)
                keys.at[row, "subsegment_id"] = pk
        keys["district_id"] = None
        if "district" in layout.keys:
            districts = _district_map()
            names = rows[layout.keys["district"]].map(L.text)
            for row, name in names[(names != "") & (names != "全市")].items():
                pk = districts.get(name)
                if pk is None:
                    plan.error(row, f"未知的区「{name}」。")
                    unknown_keys.add(row)
                keys.at[row, "district_id"] = pk
        key_columns = ["industry_id", "subsegment_id", "district_id"]
    keys["year"] = _map_unique(months, lambda ym: ym[0] if ym else None)
    keys["month"] = _map_unique(months, lambda ym: ym[1] if ym else None)

    indicators = list(Indicator.objects.all())
    parts = []
    seen_indicators: dict[int, str] = {}
    for value in layout.values:
        indicator, factor = _indicator_for(value, plan, indicators, layout.header_row + 1)
        if indicator is not None and indicator.pk in seen_indicators:
            plan.error(
                0,
                f"{column_letter(value.column)}列与{seen_indicators[indicator.pk]}列是同一指标「{indicator}」，请只保留一列。",
            )
            continue
        if indicator is not None:
            seen_indicators[indicator.pk] = column_letter(value.column)
        numbers = _values(rows, value.column, f"{value.name}", plan)
        yoy = (
            _values(rows, value.yoy_column, f"{value.name}同比", plan)
            if value.yoy_column is not None
            else pd.Series(float("nan"), index=rows.index)
        )
        if indicator is None:
            continue
        for row in numbers[(numbers * factor).abs() >= 1e13].index:
            plan.error(
                row,
                f"{column_letter(value.column)}列的数值「{rows.at[row, value.column]}」过大，请核对（是否误填了代码或单位）。",
            )
        for row in yoy[yoy.abs() >= 1e6].index:
            plan.error(row, f"同比增长「{yoy[row]}」超出合理范围，请核对。")
        part = keys.copy()
        part["indicator_id"] = indicator.pk
        part["value"] = numbers * factor
        part["yoy"] = yoy
        parts.append(part)
    if not layout.values:
        plan.error(0, "文件中没有数值列（如“工业总产值 当月”“营业收入 累计”）。")
    if not parts:
        return
    records = pd.concat(parts)
    records = records[records["value"].notna() | records["yoy"].notna()]
    full_key = [*key_columns, "indicator_id", "year", "month"]
    # A row whose key is refused (an unknown or missing enterprise, industry, sub-segment,
    # district or month) has its message: it is nobody's duplicate (two unknowns look alike).
    unknown_keys.update(keys.index[keys[key_columns[0]].isna() | keys["year"].isna()])
    checked = records[~records.index.isin(unknown_keys)]
    dupes = checked[checked.duplicated(subset=full_key, keep=False)]
    # Each later row once, however many of its indicators repeat the first row's.
    repeats = set()
    for _key, group in dupes.groupby(full_key, dropna=False):
        # Two sheet rows at least: one row gives each indicator once (a second column of the
        # same indicator was refused above).
        first, *later = sorted(set(group.index))
        repeats.update((row, first) for row in later)
    for row, first in sorted(repeats):
        plan.error(
            row,
            f"与第 {first} 行重复（同一{'企业' if enterprise_file else '产业、细分领域和区'}、同一月份出现两次）。",
        )
    months = records[["year", "month"]].dropna().drop_duplicates()
    plan.months = sorted(
        (int(y), int(m)) for y, m in zip(months["year"], months["month"], strict=True)
    )
    if plan.errors:
        return
    plan.records = records.reset_index(names="sheet_row")
    _count_changes(plan, enterprise_file, key_columns)


def _current(model, scope_field: str, months) -> pd.DataFrame:
    """The current figures of those months, in one query."""
    columns = (
        [scope_field, "subsegment_id", "district_id"]
        if scope_field == "industry_id"
        else [scope_field]
    )
    names = [*columns, "indicator_id", "year", "month", "value", "yoy"]
    which = Q()
    for year, month in months:
        which |= Q(year=year, month=month)
    # Compared as floats rounded to the hundredth: no need for 100,000 Decimals.
    rows = (
        model.objects.filter(which, is_current=True)
        .annotate(value_f=Cast("value", FloatField()), yoy_f=Cast("yoy", FloatField()))
        .values_list(*names[:-2], "value_f", "yoy_f")
        if months
        else []
    )
    return pd.DataFrame(list(rows), columns=names)


def _count_changes(plan: Plan, enterprise_file: bool, key_columns: list[str]) -> None:
    records = plan.records
    model = EnterpriseFigure if enterprise_file else IndustryFigure
    scope = key_columns[0]
    current = _current(model, scope, plan.months)
    if current.empty:
        plan.added = len(records)
        return
    full_key = [*key_columns, "indicator_id", "year", "month"]
    left = records[[*full_key, "value", "yoy"]].copy()
    for frame in (left, current):
        for column in full_key:
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        for column in ("value", "yoy"):
            frame[column] = pd.to_numeric(frame[column]).astype("float64").round(2)
    merged = left.merge(current, on=full_key, how="left", suffixes=("", "_old"), indicator=True)
    new = merged["_merge"] == "left_only"

    def equal(a, b):
        return a.eq(b) | (a.isna() & b.isna())

    same = (
        ~new & equal(merged["value"], merged["value_old"]) & equal(merged["yoy"], merged["yoy_old"])
    )
    plan.added = int(new.sum())
    plan.unchanged = int(same.sum())
    plan.changed = len(merged) - plan.added - plan.unchanged


def _plan_enterprises(rows, layout: L.Layout, plan: Plan, today) -> None:
    for needed, label in (
        ("credit_code", "统一社会信用代码"),
        ("enterprise", "企业名称"),
        ("industry", "产业"),
    ):
        if needed not in layout.keys:
            plan.error(0, f"缺少“{label}”列。")
    if plan.errors:
        return
    industries = _industry_map()
    districts = _district_map()
    segments = _subsegment_map()
    existing = {e.credit_code: e for e in Enterprise.objects.prefetch_related("tiers")}
    seen: dict[str, int] = {}
    result = []
    for row, cells in rows.iterrows():

        def cell(key, cells=cells):
            return L.text(cells[layout.keys[key]]) if key in layout.keys else ""

        code = creditcode.normalise(cell("credit_code"))
        reason = creditcode.problem(code) if code else "缺少统一社会信用代码"
        if reason:
            plan.error(row, reason + "。")
        elif code in seen:
            plan.error(row, f"与第 {seen[code]} 行重复（同一统一社会信用代码）。")
        seen.setdefault(code, row)
        name = cell("enterprise")
        if not name:
            plan.error(row, "缺少企业名称。")
        industry_id = industries.get(cell("industry"))
        if industry_id is None:
            plan.error(row, f"未知产业「{cell('industry')}」。")
        district_id = None
        if cell("district"):
            district_id = districts.get(cell("district"))
            if district_id is None:
                plan.error(row, f"未知的区「{cell('district')}」。")
        subsegment_id = None
        if cell("subsegment") and industry_id:
            subsegment_id = segments.get((industry_id, cell("subsegment")))
            if subsegment_id is None:
                plan.error(row, f"该产业下没有细分领域「{cell('subsegment')}」。")
        above = cell("above_size")
        if above not in YES | NO:
            plan.error(row, f"“是否规上”应填“是”或“否”，而不是「{above}」。")
        tiers = {}
        for tier, column in layout.tiers.items():
            raw = L.text(cells[column])
            if raw in L.MISSING:
                continue
            year = raw[:4]
            if not (year.isdigit() and 1985 <= int(year) <= today.year):
                plan.error(
                    row, f"{column_letter(column)}列应填认定年份（如 2023），而不是「{raw}」。"
                )
                continue
            tiers[tier] = int(year)
        record = {
            "credit_code": code,
            "name": name,
            "industry_id": industry_id,
            "district_id": district_id,
            "subsegment_id": subsegment_id,
            "above_size": above in YES,
            "tiers": tiers,
        }
        result.append(record)
        old = existing.get(code)
        if old is None:
            plan.added += 1
        elif (
            old.name,
            old.industry_id,
            old.district_id,
            old.subsegment_id,
            old.above_size,
            # Candidates (培育对象) are recorded by admins, not by the bureau's directory.
            {t.tier: t.year for t in old.tiers.all() if t.stage == TierStage.RECOGNISED},
        ) == (name, industry_id, district_id, subsegment_id, above in YES, tiers):
            plan.unchanged += 1
        else:
            plan.changed += 1
    plan.enterprises = result


# --- recording and applying --------------------------------------------------------------------


# `make mutation` mutates the checks above; the writing below is checked by comparing its two
# paths (COPY and INSERT) in tests/chains/test_figure_integrity.py.  # pragma: no mutate start
def upload_record(*, upload, user) -> FigureImport:
    """Keep the uploaded file (always: it is the record of what was sent)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record = FigureImport(
        kind="",
        original_name=Path(upload.name).name[-200:],
        sha256=digest.hexdigest(),
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    record.file.save(Path(upload.name).name[-80:], File(upload), save=False)
    record.save()
    return record


def preview(record: FigureImport, *, month=None) -> Plan:
    """Plan the stored file and note the outcome on its record (with the month the uploader
    gave, so whoever imports it later imports the same month)."""
    if month:
        record.month = f"{month[0]}-{month[1]:02d}"
    try:
        plan = plan_file(Path(record.file.path), record.original_name, month=month)
    except SpreadsheetError as exc:
        plan = Plan(kind=record.kind or "")
        plan.error(0, str(exc))
    except Exception:  # a layout we did not foresee must not take the page down
        logger.exception("statistics file %s could not be planned", record.pk)
        plan = Plan(kind=record.kind or "")
        plan.error(0, "无法解析该文件的版式：请使用下载的模板整理后再上传。")
    record.kind = plan.kind or record.kind or ImportKind.INDUSTRY_FIGURES
    _note_counts(record, plan)
    record.errors = plan.messages()
    record.status = ImportStatus.PREVIEW if plan.ok else ImportStatus.REFUSED
    record.save()
    return plan


def _note_counts(record: FigureImport, plan: Plan) -> None:
    """The months and row counts of a plan, noted on its record (not saved)."""
    record.months = [f"{y}-{m:02d}" for y, m in plan.months]
    record.rows_added, record.rows_changed, record.rows_unchanged = (
        plan.added,
        plan.changed,
        plan.unchanged,
    )


REFUSED_FILE_DAYS = 30


def refused_files_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of refused uploads uploaded more than 30 days ago (an upload may be 30 MB;
    counted from the upload, the only time recorded, as the page and README say): the
    record stays, with its name, checksum and errors, marked with when its file was deleted.
    Idempotent: a record already purged, or taken by a concurrent run, is skipped. Returns how
    many files were deleted."""
    now = now or timezone.now()
    due = FigureImport.objects.filter(
        status=ImportStatus.REFUSED,
        file_purged_at__isnull=True,
        uploaded_at__lt=now - datetime.timedelta(days=REFUSED_FILE_DAYS),
    )
    purged = 0
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            record = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if record is None:
                continue
            storage, name = record.file.storage, record.file.name
            record.file.name = ""
            record.file_purged_at = now
            record.save(update_fields=["file", "file_purged_at"])
            # Deleted once the mark is committed: a failed commit leaves the file for next time.
            if name:
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        purged += 1
    if purged:
        logger.info("deleted the files of %s refused statistics uploads", purged)
    return purged


class AlreadyImported(Exception):
    pass


class NotPreviewed(Exception):
    """The record is not a preview that passed its checks (it was refused): it cannot be
    imported, whatever its file now holds."""


class FileGone(Exception):
    """The stored file is not there: deleted 30 days after a refused upload, or lost when the
    database was restored without its media folder."""


@transaction.atomic
def apply(record: FigureImport) -> Plan:
    """Import the stored file all or nothing; its figures become the current revision."""
    record = FigureImport.objects.select_for_update().get(pk=record.pk)
    if record.status == ImportStatus.APPLIED:
        raise AlreadyImported
    # Checked before the file is touched: a refused record's file may have been deleted.
    if record.status != ImportStatus.PREVIEW:
        raise NotPreviewed
    if not record.file or not record.file.storage.exists(record.file.name):
        logger.warning(
            "Stored file missing from the media folder: %s", record.file.name or "(none)"
        )
        raise FileGone
    # One import at a time: two files for the same month must not both become current.
    list(Indicator.objects.select_for_update().values_list("pk", flat=True))
    try:
        plan = plan_file(Path(record.file.path), record.original_name, month=_month_of(record))
    except SpreadsheetError as exc:
        plan = Plan(kind=record.kind)
        plan.error(0, str(exc))
    if not plan.ok:
        raise ImportRefused(plan)
    if plan.kind == ImportKind.ENTERPRISES:
        _apply_enterprises(plan)
    else:
        _apply_figures(plan, record)
    from reporting.dashboard import data_changed

    data_changed()
    record.kind = plan.kind
    _note_counts(record, plan)
    record.status, record.applied_at, record.errors = ImportStatus.APPLIED, timezone.now(), []
    record.save()
    return plan


def _month_of(record: FigureImport):
    return L.parse_month(record.month) if record.month else None


def _apply_figures(plan: Plan, record: FigureImport) -> None:
    enterprise_file = plan.kind == ImportKind.ENTERPRISE_FIGURES
    model = EnterpriseFigure if enterprise_file else IndustryFigure
    scope = "enterprise_id" if enterprise_file else "industry_id"
    records = plan.records
    columns = [
        scope,
        *([] if enterprise_file else ["subsegment_id", "district_id"]),
        "indicator_id",
        "year",
        "month",
        "value",
        "yoy",
    ]
    out = records[columns].copy()
    for column in columns:
        if column not in ("value", "yoy"):
            out[column] = pd.to_numeric(out[column]).astype("Int64")
    out["value"] = pd.to_numeric(out["value"]).astype("float64")
    out["yoy"] = pd.to_numeric(out["yoy"]).astype("float64")
    out["source_id"] = record.pk
    out["is_current"] = True
    # Stored in the order of the index by scope and month, the rows go into it side by side
    # instead of all over it: a sixth less work for the database.
    out = out.sort_values([scope, "year", "month", "indicator_id"], kind="stable")
    if connection.vendor == "postgresql":
        _copy(model, out)
    else:
        _bulk_create(model, out)
    if plan.changed or plan.unchanged:  # the file repeats figures already current
        _supersede(model, record, [c for c in columns if c not in ("value", "yoy")])


def _supersede(model, record: FigureImport, key: list[str]) -> None:
    """The current figures this import replaces, key by key, stop being current: they stay,
    marked with the import that replaced them. The rest stay current. One statement, joining
    the stored rows to the ones just added."""
    table = connection.ops.quote_name(model._meta.db_table)
    same_key = " AND ".join(
        # Optional keys (no sub-segment, the whole city) are NULL: equal when both are.
        f"COALESCE(old.{c}, 0) = COALESCE(new.{c}, 0)"
        if model._meta.get_field(c.removesuffix("_id")).null
        else f"old.{c} = new.{c}"
        for c in key
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS old SET is_current = FALSE, superseded_by_id = %s"
            f" FROM {table} AS new WHERE new.source_id = %s"
            f" AND old.is_current AND old.source_id <> %s AND {same_key}",
            [record.pk] * 3,
        )


class _CsvSlices:
    """The frame as CSV for COPY, formatted a slice at a time as PostgreSQL reads it, so the
    server stores one slice while the next is being formatted (and the whole file is never
    held twice in memory)."""

    def __init__(self, frame: pd.DataFrame, rows: int = 10_000):
        self._slices = (
            frame.iloc[start : start + rows].to_csv(index=False, header=False, na_rep="\\N")
            for start in range(0, len(frame), rows)
        )
        self._text, self._at = "", 0

    def read(self, size: int = -1) -> str:
        if self._at >= len(self._text):
            self._text, self._at = next(self._slices, ""), 0
        end = len(self._text) if size < 0 else self._at + size
        piece = self._text[self._at : end]
        self._at += len(piece)
        return piece


def _copy(model, frame: pd.DataFrame) -> None:
    """PostgreSQL's COPY: an order of magnitude faster than INSERTs for large files."""
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            _CsvSlices(frame),
            1 << 18,  # read size; positional, as Django's debug cursor wrapper requires
        )


def _decimal(value, places: int):
    """The number as the file wrote it (the float's shortest form), rounded half away from zero
    as PostgreSQL rounds what COPY gives it: 0.00015 keeps 0.0002 on either path."""
    if value is None or pd.isna(value):
        return None
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _bulk_create(model, frame: pd.DataFrame) -> None:
    """Elsewhere than PostgreSQL: one prepared INSERT run over all rows (executemany)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    marks = ", ".join(["%s"] * len(frame.columns))
    clean = frame.astype(object).where(frame.notna(), None)
    for column in ("value", "yoy"):
        # An object Series keeps None as None (a plain list becomes a string column whose
        # blanks are NaN, which PostgreSQL would store as the number NaN).
        clean[column] = pd.Series(
            [
                None if v is None else str(_decimal(v, 4 if column == "value" else 2))
                for v in clean[column]
            ],
            index=clean.index,
            dtype=object,
        )
    rows = list(clean.itertuples(index=False, name=None))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[start : start + 5000]
            )


def _apply_enterprises(plan: Plan) -> None:
    existing = {e.credit_code: e for e in Enterprise.objects.all()}
    new, changed = [], []
    for record in plan.enterprises:
        fields = {
            k: record[k]
            for k in ("name", "industry_id", "district_id", "subsegment_id", "above_size")
        }
        enterprise = existing.get(record["credit_code"])
        if enterprise is None:
            new.append(Enterprise(credit_code=record["credit_code"], **fields))
        else:
            for key, value in fields.items():
                setattr(enterprise, key, value)
            changed.append(enterprise)
    Enterprise.objects.bulk_create(new, batch_size=1000)
    Enterprise.objects.bulk_update(
        changed,
        ["name", "industry_id", "district_id", "subsegment_id", "above_size"],
        batch_size=1000,
    )
    ids = dict(
        Enterprise.objects.filter(
            credit_code__in=[r["credit_code"] for r in plan.enterprises]
        ).values_list("credit_code", "pk")
    )
    # The file lists the tiers granted; candidates stay unless the file now grants that tier.
    granted = {(ids[r["credit_code"]], tier) for r in plan.enterprises for tier in r["tiers"]}
    promoted = [
        pk
        for pk, enterprise_id, tier in EnterpriseTier.objects.filter(
            enterprise_id__in=ids.values(), stage=TierStage.CANDIDATE
        ).values_list("pk", "enterprise_id", "tier")
        if (enterprise_id, tier) in granted
    ]
    EnterpriseTier.objects.filter(
        Q(enterprise_id__in=ids.values(), stage=TierStage.RECOGNISED) | Q(pk__in=promoted)
    ).delete()
    EnterpriseTier.objects.bulk_create(
        EnterpriseTier(enterprise_id=ids[r["credit_code"]], tier=tier, year=year)
        for r in plan.enterprises
        for tier, year in r["tiers"].items()
    )


# pragma: no mutate end
