"""Writes of the checks for sense: loading the default validation rules and outlier
thresholds from fixtures/validation_rules.json, keeping what a file's checks found with its
import, and the statistics clerk's confirmations."""

import json
from decimal import Decimal

import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chains.choices import LoadedTable
from chains.figures.models import ImportStatus
from chains.loads import DryRun, Load, LoadReport, load_conclude, upsert
from chains.models import Indicator, Industry
from chains.quality.models import (
    FLAG_FIGURE,
    FigureFlag,
    IndustryMeasure,
    OutlierThreshold,
    ValidationRule,
)
from portal.dataversion import data_changed, topics

RULE_LABELS = {
    "name": "名称",
    "left": "左边",
    "operator": "比较",
    "right": "右边",
    "scope": "比较范围",
    "tolerance": "容差",
    "tolerance_is_percent": "容差按百分比",
    "importance": "重要性",
    "message": "提示",
    "position": "顺序",
}
MEASURE_LABELS = {"headline": "主要指标", "counted_in": "已计入"}
THRESHOLD_LABELS = {
    "name": "名称",
    "max_z": "稳健 z 值上限",
    "min_history": "所需历史月数",
    "yoy_min": "同比下限(%)",
    "yoy_max": "同比上限(%)",
    "mom_max_ratio": "环比倍数上限",
}


def _decimal(value):
    return None if value is None else Decimal(str(value))


def rule_rows() -> list[dict]:
    """The rules and thresholds as the load compares and records them: one list, by code
    (a threshold's code is its indicator's, prefixed 「离群值:」)."""
    rows = [
        {"code": r["code"], **{k: r[k] for k in RULE_LABELS}, "tolerance": str(r["tolerance"])}
        for r in ValidationRule.objects.order_by("position", "code").values()
    ]
    for m in IndustryMeasure.objects.select_related("industry", "headline", "counted_in"):
        rows.append(
            {
                "code": f"主要指标:{m.industry.code}",
                "name": m.industry.name,
                "headline": m.headline.code,
                "counted_in": m.counted_in.code if m.counted_in else None,
            }
        )
    for t in OutlierThreshold.objects.select_related("indicator").order_by("indicator__position"):
        rows.append(
            {
                "code": f"离群值:{t.indicator.code}",
                "name": str(t.indicator),
                **{
                    k: None if getattr(t, k) is None else str(getattr(t, k))
                    for k in THRESHOLD_LABELS
                    if k != "name"
                },
            }
        )
    return rows


def rules_load(path, *, load: Load | None = None) -> LoadReport:
    """The default validation rules (by code), outlier thresholds (by indicator) and each
    industry's measure (its headline indicator, and the cluster already counting it) from a JSON
    file. Only into empty tables unless `load.replace`, like the other loads: an
    administrator's rules survive every restart. A load that changes something is recorded."""
    load = load or Load()
    report = LoadReport(
        existing=ValidationRule.objects.count()
        + OutlierThreshold.objects.count()
        + IndustryMeasure.objects.count()
    )
    if report.existing and not (load.replace or load.dry_run):
        report.already_loaded = True
        return report
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    indicators = {i.code: i for i in Indicator.objects.all()}
    try:
        with transaction.atomic():
            before = rule_rows()
            for position, item in enumerate(data.get("rules", [])):
                values = {k: item.get(k) for k in RULE_LABELS if k in item}
                values["tolerance"] = _decimal(values.get("tolerance", 0))
                report.add(
                    upsert(ValidationRule, {"code": item["code"]}, {**values, "position": position})
                )
            for item in data.get("outlier_thresholds", []):
                indicator = indicators.get(item["indicator"])
                if indicator is None:
                    report.errors.append(f"未知指标代码：{item['indicator']}")
                    continue
                values = {
                    k: _decimal(item.get(k)) if k != "min_history" else item.get(k, 6)
                    for k in THRESHOLD_LABELS
                    if k != "name"
                }
                report.add(upsert(OutlierThreshold, {"indicator": indicator}, values))
            industries = {i.code: i for i in Industry.objects.all()}
            for item in data.get("industry_measures", []):
                industry = industries.get(item["industry"])
                headline = indicators.get(item["headline"])
                counted_in = industries.get(item.get("counted_in") or "")
                if (
                    industry is None
                    or headline is None
                    or (item.get("counted_in") and not counted_in)
                ):
                    report.errors.append(f"产业主要指标：未知代码 {item}")
                    continue
                report.add(
                    upsert(
                        IndustryMeasure,
                        {"industry": industry},
                        {"headline": headline, "counted_in": counted_in},
                    )
                )
            if report.errors:
                raise DryRun  # all or nothing: a file naming an unknown code changes nothing
            for rule in ValidationRule.objects.all():
                rule.full_clean()  # every indicator a rule names exists
            after = rule_rows()
            if load_conclude(
                report,
                load,
                table=LoadedTable.VALIDATION_RULES,
                source=path,
                before=before,
                after=after,
                key="code",
                title=lambda row: f"{row['name']}（{row['code']}）",
                labels={**RULE_LABELS, **THRESHOLD_LABELS, **MEASURE_LABELS},
            ):
                raise DryRun
    except DryRun:
        pass
    return report


def flags_record(record, findings) -> None:
    """Keep what a file's checks found with its upload."""
    FigureFlag.objects.bulk_create(
        [
            FigureFlag(
                source=record,
                fingerprint=f.fingerprint,
                kind=f.kind,
                test=f.test,
                rule_id=f.rule_id,
                importance=f.importance,
                sheet_row=f.sheet_row,
                indicator_id=f.indicator_id,
                year=f.year,
                month=f.month,
                value=None
                if f.value is None
                else Decimal(repr(f.value)).quantize(Decimal("0.0001")),
                message=f.message[:500],
                **{k: v for k, v in f.key.items()},
            )
            for f in findings
        ],
        ignore_conflicts=True,
    )


def flags_drop_vanished(record, fingerprints: set[str]) -> int:
    """At the import: the preview's findings the checks no longer make (the figures around them
    changed since) are marked, kept, and left off the 数据核查 list."""
    return (
        record.flags.filter(dropped_at__isnull=True)
        .exclude(fingerprint__in=fingerprints)
        .update(dropped_at=timezone.now())
    )


def flags_check_again(record, records: pd.DataFrame, key_columns: list[str]) -> int:
    """At an import: the open flags of earlier imports on figures this file carries again
    (changed or repeated unchanged) were checked again by it, and leave the 数据核查 list.
    Returns how many."""
    scope = key_columns[0].removesuffix("_id")
    # Its own flags are live again, should a file imported meanwhile have carried the figures.
    record.flags.filter(checked_again_by__isnull=False).update(checked_again_by=None)
    open_ = FigureFlag.objects.filter(
        source__status=ImportStatus.APPLIED,  # an upload still in preview is checked at import
        explained_at__isnull=True,
        dropped_at__isnull=True,
        checked_again_by__isnull=True,
        **{f"{scope}__isnull": False},
        **({} if scope == "enterprise" else {"enterprise__isnull": True}),
    ).exclude(source=record)
    key = [*key_columns, "indicator_id", "year", "month"]
    flags = pd.DataFrame(list(open_.values_list("pk", *key)), columns=["pk", *key])
    if flags.empty or records.empty:
        return 0
    carried = records[key].drop_duplicates()
    for frame in (flags, carried):
        for column in key:
            frame[column] = pd.to_numeric(frame[column]).astype("float64").fillna(0)
    again = flags.merge(carried, on=key)["pk"].tolist()
    return FigureFlag.objects.filter(pk__in=again).update(checked_again_by=record)


class ReasonMissing(ValueError):
    pass


@transaction.atomic
def flags_confirm(record, *, user, reasons: dict[int, str], reason_for_all: str = "") -> int:
    """The clerk confirms the findings of an upload before importing it: each with its own
    reason, or all at once with one. Returns how many are confirmed now; ReasonMissing names
    those left without a reason (nothing is confirmed then)."""
    flags = list(record.flags.select_for_update().filter(confirmed_at__isnull=True))
    reason_for_all = reason_for_all.strip()
    missing = [f for f in flags if not (reasons.get(f.pk, "").strip() or reason_for_all)]
    if missing:
        raise ReasonMissing([f.pk for f in missing])
    now = timezone.now()
    for flag in flags:
        flag.confirmed_by, flag.confirmed_at = user, now
        flag.confirmation = (reasons.get(flag.pk, "").strip() or reason_for_all)[:300]
    FigureFlag.objects.bulk_update(flags, ["confirmed_by", "confirmed_at", "confirmation"])
    return len(flags)


MAX_EXPLANATION = 1000


class AlreadyExplained(Exception):
    def __init__(self, flag):
        super().__init__(flag.pk)
        self.flag = flag


@transaction.atomic
def flag_explain(*, pk: int, user, explanation: str) -> FigureFlag:
    """Statistics staff say why a flagged figure is right (e.g. 某龙头企业投产): the figure —
    each of its flags still standing (a jump is often flagged both against the median and the
    month before) — leaves the 数据核查 list and loses its mark. Once: a second explanation,
    even one sent at the same moment for another flag of the figure, is refused with the first
    (AlreadyExplained)."""
    key = FigureFlag.objects.filter(pk=pk).values(*FLAG_FIGURE).get()
    # The figure's flags locked together, in one order for every writer (no deadlock).
    flags = list(
        FigureFlag.objects.select_for_update()
        .filter(
            Q(pk=pk) | Q(dropped_at__isnull=True, checked_again_by__isnull=True),
            **key,
        )
        .order_by("pk")
    )
    flag = next(f for f in flags if f.pk == pk)
    if flag.explained_at is not None:
        raise AlreadyExplained(flag)
    flags = [f for f in flags if f.explained_at is None]
    explanation = explanation.strip()
    if not explanation:
        raise ValueError("请填写原因说明。")
    if len(explanation) > MAX_EXPLANATION:
        raise ValueError(f"原因说明请不超过 {MAX_EXPLANATION} 字。")
    now = timezone.now()
    for each in flags:
        each.explanation, each.explained_by, each.explained_at = explanation, user, now
    FigureFlag.objects.bulk_update(flags, ["explanation", "explained_by", "explained_at"])
    data_changed(*{topics.figures(f.year, f.month) for f in flags})
    return flag
