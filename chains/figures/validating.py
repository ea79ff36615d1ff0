"""The statistics import, step two: `plan_file` reads a file and checks every row against the
directory (industries, sub-segments, districts, indicators, enterprises), the months and the
figures already held, and says what importing it would change. Nothing is written here."""

import datetime
import io
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import FloatField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from chains import creditcode
from chains.choices import ImportKind, UnitKind
from chains.figures import layout as L
from chains.figures.models import TierStage
from chains.figures.reading import NO, YES, Plan, data_rows, map_unique, month_column, number_column
from chains.figures.workbook import column_letter, read_table
from chains.models import (
    Enterprise,
    EnterpriseFigure,
    Indicator,
    Industry,
    IndustryFigure,
    SubSegment,
    Unit,
)
from chains.quality import checking


def _lookup(series: pd.Series, mapping: dict, plan: Plan, message) -> pd.Series:
    labels = map_unique(series, L.text)
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


def plan_figures(rows, layout: L.Layout, plan: Plan, month, today) -> None:
    enterprise_file = layout.kind == ImportKind.ENTERPRISE_FIGURES
    months = month_column(rows, layout, plan, month, today)
    keys = pd.DataFrame(index=rows.index)
    unknown_keys = set()  # rows naming a sub-segment or district that does not exist
    if enterprise_file:
        codes = map_unique(
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
    keys["year"] = map_unique(months, lambda ym: ym[0] if ym else None)
    keys["month"] = map_unique(months, lambda ym: ym[1] if ym else None)

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
        numbers = number_column(rows, value.column, f"{value.name}", plan)
        yoy = (
            number_column(rows, value.yoy_column, f"{value.name}同比", plan)
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


def _current(model, key_columns: list[str], first, last, *, scope=None, indicators=None):
    """The current figures of the months first to last (of those scope ids — industries or
    enterprises — and indicators, when given), in one query."""
    names = [*key_columns, "indicator_id", "year", "month", "value", "yoy"]
    (y0, m0), (y1, m1) = first, last
    which = (Q(year__gt=y0) | Q(year=y0, month__gte=m0)) & (
        Q(year__lt=y1) | Q(year=y1, month__lte=m1)
    )
    # Compared as floats: no need for 100,000 Decimals.
    if scope is not None:
        which &= Q(**{f"{key_columns[0]}__in": scope})
    if indicators is not None:
        which &= Q(indicator_id__in=indicators)
    rows = (
        model.objects.filter(which, is_current=True)
        .annotate(value_f=Cast("value", FloatField()), yoy_f=Cast("yoy", FloatField()))
        .values_list(*names[:-2], "value_f", "yoy_f")
    )
    if connection.vendor != "postgresql":
        return pd.DataFrame(list(rows), columns=names)
    # PostgreSQL hands the rows over as CSV (COPY), parsed by pandas in C: ten years of an
    # enterprise file's history is several hundred thousand rows, too many for Python tuples.
    sql, params = rows.query.sql_with_params()
    text = io.StringIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", text)
    if not text.tell():
        return pd.DataFrame([], columns=names)
    text.seek(0)
    return pd.read_csv(text, header=None, names=names, dtype="float64")


MAX_CHANGES = 1000


def _count_changes(plan: Plan, enterprise_file: bool, key_columns: list[str]) -> None:
    """Count what the file adds, changes and repeats, note the changes (largest first), and run
    the checks for sense on its figures against the current ones around them."""
    records = plan.records
    model = EnterpriseFigure if enterprise_file else IndustryFigure
    checks = checking.checks_load()
    back, wanted = checking.needs(checks)
    first, last = checking.window(plan.months, back)
    in_file = set(pd.unique(records["indicator_id"]))
    around = _current(
        model,
        key_columns,
        first,
        last,
        scope=[int(k) for k in pd.unique(records[key_columns[0]].dropna())],
        indicators=sorted({int(i) for i in in_file} | wanted),
    )
    full_key = [*key_columns, "indicator_id", "year", "month"]
    months = {checking.month_index(y, m) for y, m in plan.months}
    current = around[
        checking.month_index(around["year"], around["month"]).isin(months)
    ].reset_index(drop=True)
    _check(plan, around, key_columns, checks)
    if current.empty:
        plan.added = len(records)
        return
    left = records[[*full_key, "value", "yoy", "sheet_row"]].copy()
    for frame in (left, current):
        for column in full_key:
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        for column in ("value", "yoy"):
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
    merged = left.merge(current, on=full_key, how="left", suffixes=("", "_old"), indicator=True)
    new = merged["_merge"] == "left_only"

    def equal(new, old, places: int):
        """The new figure, as it would be stored (to `places` decimals), is the old one: beyond
        the stored decimals a file's digits change nothing, within them any does. A value
        half-way between two stored ones (PostgreSQL rounds it up, numpy to even) counts as a
        change: a change is written, an unchanged figure is not."""
        new, old = new.to_numpy(), old.to_numpy()
        with np.errstate(invalid="ignore"):
            scaled = new * 10.0**places
            halfway = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) < np.maximum(
                1e-6, 8 * np.spacing(np.abs(scaled))
            )
            close = np.abs(np.round(new, places) - old) <= np.maximum(
                1e-9, 4 * np.spacing(np.abs(old))
            )
        return (close & ~halfway) | (np.isnan(new) & np.isnan(old))

    same = (
        ~new
        & equal(merged["value"], merged["value_old"], 4)
        & equal(merged["yoy"], merged["yoy_old"], 2)
    )
    plan.added = int(new.sum())
    plan.unchanged = int(same.sum())
    # What the file repeats unchanged is not written again (the current figure stays, with the
    # import that brought it): re-importing a month writes only what it changes.
    records["unchanged"] = same.to_numpy()
    plan.changed = len(merged) - plan.added - plan.unchanged
    changed = merged[~new & ~same].copy()
    if changed.empty:
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        changed["change"] = (changed["value"] / changed["value_old"] - 1) * 100
    # Largest change first; a figure that appears or disappears counts as the largest.
    changed["order"] = changed["change"].abs().fillna(np.inf)
    changed = changed.sort_values(["order", "sheet_row"], ascending=[False, True]).head(MAX_CHANGES)
    plan.changes = [
        {
            **{c: (None if pd.isna(row[c]) else int(row[c])) for c in full_key},
            "sheet_row": int(row["sheet_row"]),
            "old": _plain(row["value_old"]),
            "new": _plain(row["value"]),
            "old_yoy": _plain(row["yoy_old"]),
            "new_yoy": _plain(row["yoy"]),
            "change": _plain(row["change"]),
        }
        for row in changed.to_dict("records")
    ]


def _plain(value):
    return None if value is None or pd.isna(value) or not np.isfinite(value) else float(value)


def _check(
    plan: Plan, around: pd.DataFrame, key_columns: list[str], checks: checking.Checks
) -> None:
    """The validation rules and outlier thresholds: a broken rule of importance error refuses
    the file, and so do more warnings than can be listed and confirmed one by one (a file so
    wrong is wrong as a whole: a unit or a column out of place); the rest are findings to
    confirm."""
    found = checking.run(plan.records, around, key_columns, checks)
    for finding in found.errors:
        plan.error(finding.sheet_row, f"{finding.year}年{finding.month}月：{finding.message}")
    if found.total > checking.MAX_FINDINGS:
        plan.error(
            0,
            f"检查发现 {found.total:,} 项数据需要核实，超过 {checking.MAX_FINDINGS:,} 项：文件可能"
            "整体有误（如单位、列或月份错位），请核对后重新上传。",
        )
    plan.findings, plan.findings_total = found.items, found.total


def plan_enterprises(rows, layout: L.Layout, plan: Plan, today) -> None:
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
    rows = data_rows(table, layout, plan)
    if plan.errors and not rows.size:
        return plan
    if rows.empty:
        plan.error(0, "文件中没有数据行（表头下方全部为空或只有合计行）。")
        return plan
    if layout.kind == ImportKind.ENTERPRISES:
        plan_enterprises(rows, layout, plan, today)
    else:
        plan_figures(rows, layout, plan, month, today)
    return plan
