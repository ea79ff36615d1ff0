"""The districts' assessment indicators (市对区差异化考核): loaded from
fixtures/assessment_indicators.json and kept by admins; and the headline figure its growth
measure compares."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from chains.choices import LoadedTable
from chains.figures.models import IndicatorPeriod
from chains.loads import Load, LoadReport, load_conclude
from chains.models import Indicator
from reporting.models import AssessmentIndicator


def headline_indicator(indicators=None) -> Indicator | None:
    """The first indicator in admin order that is monthly and in money (工业总产值（当月）
    with the shipped fixture): the one figure_growth compares. `indicators`: ones already
    read, in admin order (then no query)."""
    if indicators is None:
        indicators = Indicator.objects.filter(
            period=IndicatorPeriod.MONTH, unit__in=MONEY_UNITS
        ).order_by("position", "code")[:1]
    return next(
        (i for i in indicators if i.period == IndicatorPeriod.MONTH and i.unit in MONEY_UNITS),
        None,
    )


DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "assessment_indicators.json"

ASSESSMENT_LABELS = {
    "name": "名称",
    "weight": "权重",
    "full_marks_at": "满分值",
    "position": "顺序",
}


def assessment_indicator_rows() -> list[dict]:
    return [
        {**row, "weight": str(row["weight"]), "full_marks_at": str(row["full_marks_at"])}
        for row in AssessmentIndicator.objects.order_by("position", "id").values(
            "metric", "name", "weight", "full_marks_at", "position", "is_active"
        )
    ]


class _DryRun(Exception):
    pass


def assessment_indicators_load(path=DEFAULT_FILE, *, load: Load | None = None) -> LoadReport:
    """The default indicators from a JSON list, only into an empty table (first boot), so
    weights an administrator has set survive every restart. With `load.replace` the file's
    indicators overwrite those measuring the same metric (name, weight, full marks, position)
    and the rest are kept; the change is recorded with the table before and after."""
    load = load or Load()
    report = LoadReport(existing=AssessmentIndicator.objects.count())
    if report.existing and not (load.replace or load.dry_run):
        report.already_loaded = True
        return report
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        with transaction.atomic():
            before = assessment_indicator_rows()
            for position, item in enumerate(items):
                indicator = (
                    AssessmentIndicator.objects.filter(metric=item["metric"])
                    .order_by("position", "id")
                    .first()
                ) or AssessmentIndicator(metric=item["metric"])
                values = {
                    "name": item["name"],
                    "weight": Decimal(str(item["weight"])),
                    "full_marks_at": Decimal(str(item["full_marks_at"])),
                    "position": item.get("position", position),
                }
                if indicator.pk and all(getattr(indicator, k) == v for k, v in values.items()):
                    report.add(None)
                    continue
                report.add("updated" if indicator.pk else "created")
                for key, value in values.items():
                    setattr(indicator, key, value)
                try:
                    indicator.full_clean()
                except ValidationError as exc:
                    raise ValidationError(f"{item['name']}：{' '.join(exc.messages)}") from exc
                indicator.save()
            after = assessment_indicator_rows()
            if load_conclude(
                report,
                load,
                table=LoadedTable.ASSESSMENT_INDICATORS,
                source=path,
                before=before,
                after=after,
                key="metric",
                title=lambda row: row["name"],
                labels=ASSESSMENT_LABELS,
            ):
                raise _DryRun
    except _DryRun:
        pass
    return report


MONEY_UNITS = ("万元", "亿元")
