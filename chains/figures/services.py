"""Writes to the statistics' indicators: loading the catalogue from fixtures/indicators.json and
switching an indicator on or off."""

import json
from collections.abc import Sequence

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from chains.choices import LoadedTable
from chains.loads import DryRun, Load, LoadReport, load_conclude, upsert
from chains.models import Indicator

INDICATOR_LABELS = {
    "name": "名称",
    "name_en": "英文名称",
    "unit": "计量单位",
    "period": "期别",
    "aliases": "别名",
}


def _indicator_title(row: dict) -> str:
    return f"{row['name']}（{row['code']}）"


def indicator_rows() -> list[dict]:
    fields = ("code", *INDICATOR_LABELS, "position")
    return [dict(row) for row in Indicator.objects.order_by("position", "code").values(*fields)]


def indicators_load(path, *, load: Load | None = None) -> LoadReport:
    """Admin-defined indicators from a JSON list, by code. Only into an empty table unless
    `load.replace`: an administrator's edits survive every restart. A load that changes
    something is recorded with the table before and after."""
    load = load or Load()
    report = LoadReport(existing=Indicator.objects.count())
    if report.existing and not (load.replace or load.dry_run):
        report.already_loaded = True
        return report
    with open(path, encoding="utf-8") as handle:
        items = json.load(handle)
    try:
        with transaction.atomic():
            before = indicator_rows()
            for position, item in enumerate(items):
                values = {k: item.get(k, "") for k in INDICATOR_LABELS}
                report.add(
                    upsert(Indicator, {"code": item["code"]}, {**values, "position": position})
                )
            after = indicator_rows()
            if load_conclude(
                report,
                load,
                table=LoadedTable.INDICATORS,
                source=path,
                before=before,
                after=after,
                key="code",
                title=_indicator_title,
                labels={**INDICATOR_LABELS, "position": "顺序"},
            ):
                raise DryRun
    except DryRun:
        pass
    return report


@transaction.atomic
def indicators_set_active(
    *, indicators: Sequence[Indicator], active: bool, user
) -> list[Indicator]:
    """Put indicators in use or out of it; an indicator out of use keeps its figures, which
    still show, while the statistics templates leave it out and the import refuses it. Each
    indicator changed gets an entry in its admin history by `user`; returns those changed."""
    changed = [i for i in indicators if i.is_active != active]
    if not changed:
        return []
    Indicator.objects.filter(pk__in=[i.pk for i in changed]).update(is_active=active)
    message = (
        "启用：重新出现在统计数据模板中，可以导入。"
        if active
        else "停用：不再出现在统计数据模板中，导入时拒绝该指标的数据列。"
    )
    for indicator in changed:
        indicator.is_active = active
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[indicator],
            action_flag=CHANGE,
            change_message=message,
            single_object=True,
        )
    return changed
