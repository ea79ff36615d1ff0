"""Writes to the innovation registers. Each is atomic, checks who may, refuses a stale version
instead of overwriting, and leaves one InnovationEvent with the record as it then stands."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import User
from chains.models import Industry
from portal.dataversion import data_changed, topics
from reporting.innovation.access import can_change, can_record
from reporting.innovation.models import InnovationEventKind
from reporting.models import InnovationEvent, TechMilestone, TechProject
from reporting.periods.services import today


def _plain(value):
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    return value


def snapshot(record) -> dict:
    return {
        name: _plain(value)
        for name, value in model_to_dict(record).items()
        if name not in ("id", "created_by", "is_demo")
    }


def _record(record, kind: str, user: User, text: str = "") -> InnovationEvent:
    data_changed(topics.INNOVATION)
    return InnovationEvent.objects.create(
        kind=kind,
        record=type(record).__name__,
        record_id=record.pk,
        actor=user,
        text=text,
        snapshot=snapshot(record),
    )


def _check(record) -> None:
    errors = {}
    month = getattr(record, "month", None)
    if month is not None and not 1 <= int(month) <= 12:
        errors["month"] = "月份应在1至12之间。"
    year = getattr(record, "year", None)
    if year is not None and not 2000 <= int(year) <= today().year + 1:
        errors["year"] = "年份不正确。"
    if (
        month is not None
        and year is not None
        and (int(year), int(month))
        > (
            today().year,
            today().month,
        )
    ):
        errors["month"] = "不能登记尚未到来的月份。"
    if isinstance(record, TechProject) and record.start_on and record.end_on:
        if record.end_on < record.start_on:
            errors["end_on"] = "结束日期不能早于开始日期。"
    if errors:
        raise ValidationError(errors)
    record.full_clean(exclude=["created_by", "unit"])


@transaction.atomic
def record_add(*, user: User, model, industry: Industry, **fields):
    """Record a platform, research project, transfer or talent entry of an industry the user's
    unit leads or contributes to."""
    if not can_record(user, industry):
        raise PermissionDenied("只有该产业的牵头单位和责任单位可以登记科技创新事项。")
    record = model(industry=industry, unit=user.unit, created_by=user, **fields)
    _check(record)
    record.save()
    _record(record, InnovationEventKind.CREATED, user)
    return record


def _lock(record, user: User, version: int | None):
    current = type(record).objects.select_for_update(of=("self",)).get(pk=record.pk)
    if not can_change(user, current):
        raise PermissionDenied("只有登记单位和产业牵头单位可以修改。")
    if version is not None and current.version != version:
        raise ValidationError(
            f"该事项已被他人修改（当前为第{current.version}版，您编辑的是第{version}版），"
            "您的修改未保存。请核对最新内容后重新提交。",
            code="conflict",
        )
    if current.removed_at is not None:
        raise ValidationError("该事项已移除。")
    return current


@transaction.atomic
def record_change(*, record, user: User, version: int, **fields):
    current = _lock(record, user, version)
    for name, value in fields.items():
        if name in ("id", "industry", "unit", "created_by", "version", "removed_at"):
            raise TypeError(f"record_change() cannot set {name}")
        setattr(current, name, value)
    _check(current)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _record(current, InnovationEventKind.CHANGED, user)
    return current


@transaction.atomic
def record_remove(*, record, user: User, version: int, reason: str):
    if not (reason or "").strip():
        raise ValidationError("请写明移除的原因。")
    current = _lock(record, user, version)
    current.removed_at = timezone.now()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _record(current, InnovationEventKind.REMOVED, user, text=reason.strip())
    return current


@transaction.atomic
def milestone_add(
    *, project: TechProject, user: User, title: str, due_on: datetime.date, note: str = ""
) -> TechMilestone:
    current = _lock(project, user, None)
    milestone = TechMilestone(
        project=current, title=(title or "").strip(), due_on=due_on, note=note
    )
    if not milestone.title:
        raise ValidationError({"title": "请填写节点名称。"})
    milestone.full_clean()
    milestone.save()
    _record(
        current,
        InnovationEventKind.CHANGED,
        user,
        text=f"新增节点：{milestone.title}（{due_on:%Y-%m-%d}）",
    )
    return milestone


@transaction.atomic
def milestone_reach(
    *, milestone: TechMilestone, user: User, on: datetime.date | None = None, note: str = ""
) -> TechMilestone:
    """Mark a milestone reached (on a day not in the future)."""
    current = _lock(milestone.project, user, None)
    on = on or today()
    if on > today():
        raise ValidationError("完成日期不能晚于今天。")
    reached = TechMilestone.objects.select_for_update().get(pk=milestone.pk)
    if reached.done_on is not None:
        raise ValidationError("该节点已完成。")
    reached.done_on = on
    if note.strip():
        reached.note = note.strip()
    reached.save()
    text = f"完成节点：{reached.title}（{on:%Y-%m-%d}）"
    if on > reached.due_on:
        text += f"，比计划晚 {(on - reached.due_on).days} 天"
    _record(current, InnovationEventKind.MILESTONE, user, text=text)
    return reached
