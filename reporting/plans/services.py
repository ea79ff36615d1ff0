"""Yearly work plans (督促落实): each lead unit files one per industry it leads, each district and
development zone one of its own, by the year's deadline (mid-January unless admins set another).
Same workflow as monthly updates: draft → submitted → returned or accepted. Once accepted, the
unit records progress against each item month by month.

Every write here is atomic, checks the workflow and the version the user read, and leaves one
PlanEvent with the plan as it then stands."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.access import Action, can, can_review
from accounts.models import User
from chains.models import Industry, Unit
from portal.dataversion import data_changed, topics
from reporting.choices import PlanEventKind, UpdateStatus
from reporting.models import PlanEvent, PlanItem, PlanProgress, PlanYear, ReportingPeriod, WorkPlan
from reporting.periods import services
from reporting.plans.selectors import OWN_PLAN_KINDS, progress_open
from reporting.updates.services import EDITABLE


class ConcurrentPlanEdit(Exception):
    """Someone saved since this user loaded the page; nothing of theirs was overwritten."""


def plan_year_get_or_create(year: int) -> PlanYear:
    plan_year, _created = PlanYear.objects.get_or_create(
        year=year, defaults={"deadline": PlanYear.default_deadline(year)}
    )
    return plan_year


def _snapshot(plan: WorkPlan) -> dict:
    return {
        "summary": plan.summary,
        "items": [
            {
                "element": item.element,
                "task": item.task,
                "target_value": str(item.target_value) if item.target_value is not None else "",
                "target_unit": item.target_unit,
                "responsible": item.responsible.name,
                "due_month": item.due_month,
            }
            for item in plan.items.select_related("responsible")
        ],
    }


# What My work shows of a plan: its state.
WORK_EVENTS = {
    PlanEventKind.CREATED,
    PlanEventKind.SUBMITTED,
    PlanEventKind.RETURNED,
    PlanEventKind.ACCEPTED,
}


def _record(
    plan: WorkPlan, kind: PlanEventKind, user: User, reason: str = "", snapshot: dict | None = None
) -> None:
    # The overview, the districts' assessment and the hearing show plans once submitted: a
    # draft's start and saves change nothing there. My work shows a plan's state, and the
    # months to record progress in once accepted (not the progress itself).
    names = []
    if kind != PlanEventKind.CREATED and not (
        kind == PlanEventKind.SAVED and plan.status == UpdateStatus.DRAFT
    ):
        names.append(topics.plans(plan.plan_year.year))
    if kind in WORK_EVENTS:
        names.append(topics.WORK)
    data_changed(*names)
    PlanEvent.objects.create(
        plan=plan,
        kind=kind,
        actor=user,
        version=plan.version,
        reason=reason,
        snapshot=_snapshot(plan) if snapshot is None else snapshot,
    )


def _lock(plan_id: int) -> WorkPlan:
    return (
        WorkPlan.objects.select_for_update(of=("self",))
        .select_related("unit", "industry")
        .get(pk=plan_id)
    )


def _bump(plan: WorkPlan, **fields) -> WorkPlan:
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.version = F("version") + 1
    plan.save()
    plan.refresh_from_db()
    return plan


def _check_editor(user: User, unit: Unit, industry: Industry | None) -> None:
    if not (user.unit_id and user.unit_id == unit.pk):
        raise PermissionDenied
    if industry is not None and not can(user, Action.FILE, industry):
        raise PermissionDenied


@transaction.atomic
def plan_start(*, unit: Unit, industry: Industry | None, year: int, user: User) -> WorkPlan:
    """Open the unit's plan for the year (or return the one already open)."""
    _check_editor(user, unit, industry)
    if industry is None and unit.kind not in OWN_PLAN_KINDS:
        raise ValidationError("只有各区和开发区（管委会）报送本单位的年度工作计划。")
    plan_year = plan_year_get_or_create(year)
    plan, created = WorkPlan.objects.get_or_create(
        unit=unit, industry=industry, plan_year=plan_year, defaults={"created_by": user}
    )
    if created:
        _record(plan, PlanEventKind.CREATED, user)
    return plan


@dataclass
class ItemContent:
    element: str
    task: str
    responsible: Unit
    due_month: int
    target_value: Decimal | None = None
    target_unit: str = ""


@transaction.atomic
def plan_save(
    *,
    plan: WorkPlan,
    user: User,
    expected_version: int,
    summary: str,
    items: list[ItemContent],
) -> WorkPlan:
    """Replace the plan's text and items. Items have no progress before acceptance, so a
    draft's items can be rewritten freely."""
    current = _lock(plan.pk)
    _check_editor(user, current.unit, current.industry)
    if current.version != expected_version:
        raise ConcurrentPlanEdit
    if current.status not in EDITABLE:
        raise ValidationError("计划已提交或已通过，不能再修改。")
    current.items.all().delete()
    for position, content in enumerate(items):
        item = PlanItem(plan=current, position=position, **content.__dict__)
        item.full_clean(exclude=["plan"])
        item.save()
    current = _bump(current, summary=summary.strip())
    _record(current, PlanEventKind.SAVED, user)
    return current


@transaction.atomic
def plan_submit(*, plan: WorkPlan, user: User, expected_version: int) -> WorkPlan:
    current = _lock(plan.pk)
    _check_editor(user, current.unit, current.industry)
    if current.version != expected_version:
        raise ConcurrentPlanEdit
    if current.status not in EDITABLE:
        raise ValidationError("计划已提交或已通过。")
    if not current.items.exists():
        raise ValidationError("计划至少要有一项工作任务才能提交。")
    now = timezone.now()
    current = _bump(
        current,
        status=UpdateStatus.SUBMITTED,
        submitted_at=now,
        first_submitted_at=current.first_submitted_at or now,
    )
    _record(current, PlanEventKind.SUBMITTED, user)
    return current


@transaction.atomic
def plan_return(*, plan: WorkPlan, user: User, reason: str) -> WorkPlan:
    if not can_review(user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError("退回时请写明理由。")
    current = _lock(plan.pk)
    if current.status != UpdateStatus.SUBMITTED:
        raise ValidationError("只有已提交的计划可以退回。")
    current = _bump(current, status=UpdateStatus.RETURNED, return_reason=reason.strip())
    _record(current, PlanEventKind.RETURNED, user, reason=reason.strip())
    return current


@transaction.atomic
def plan_accept(*, plan: WorkPlan, user: User) -> WorkPlan:
    if not can_review(user):
        raise PermissionDenied
    current = _lock(plan.pk)
    if current.status != UpdateStatus.SUBMITTED:
        raise ValidationError("只有已提交的计划可以审核通过。")
    current = _bump(current, status=UpdateStatus.ACCEPTED, accepted_at=timezone.now())
    _record(current, PlanEventKind.ACCEPTED, user)
    return current


@dataclass
class ProgressEntry:
    item_id: int
    percent: int
    text: str = ""
    value: Decimal | None = None
    version: int = 0  # 0: the user saw no entry for this month


@dataclass
class ProgressResult:
    saved: int = 0
    conflicts: list[int] = field(default_factory=list)


@transaction.atomic
def progress_record(
    *, unit: Unit, period: ReportingPeriod, user: User, entries: list[ProgressEntry]
) -> ProgressResult:
    """Record a month's progress on the unit's plan items, all or nothing: if a colleague saved
    any of the same items since the page was loaded, nothing is written and the conflicting
    items are named."""
    _check_editor(user, unit, None)
    if not progress_open(period, services.today()):
        raise ValidationError(
            f"{period}的计划进展填报时间为{period.first_day:%Y年%-m月%-d日}至"
            f"{period.lock_date:%Y年%-m月%-d日}，现在不能填报。"
        )
    items = {
        item.pk: item
        for item in PlanItem.objects.filter(
            pk__in=[e.item_id for e in entries],
            plan__unit=unit,
            plan__plan_year__year=period.year,
            plan__status=UpdateStatus.ACCEPTED,
        ).select_related("plan")
    }
    unknown = [e.item_id for e in entries if e.item_id not in items]
    if unknown:
        raise ValidationError("所填事项不属于本单位已通过的年度工作计划。")
    # Lock the plans first: a month's first entry has no row yet to lock, and two first saves
    # must not both pass the version check.
    list(
        WorkPlan.objects.select_for_update()
        .filter(pk__in={item.plan_id for item in items.values()})
        .order_by("pk")  # not the default ordering, whose join FOR UPDATE cannot lock
        .values_list("pk", flat=True)
    )
    existing = {
        p.item_id: p
        for p in PlanProgress.objects.select_for_update().filter(
            item_id__in=items, year=period.year, month=period.month
        )
    }
    result = ProgressResult()
    for entry in entries:
        seen = existing.get(entry.item_id)
        if (seen.version if seen else 0) != entry.version:
            result.conflicts.append(entry.item_id)
    if result.conflicts:
        return result
    touched = set()
    for entry in entries:
        row = existing.get(entry.item_id)
        if row and (row.percent, row.text, row.value) == (entry.percent, entry.text, entry.value):
            continue
        row = row or PlanProgress(item_id=entry.item_id, year=period.year, month=period.month)
        row.percent, row.text, row.value = entry.percent, entry.text.strip(), entry.value
        row.recorded_by = user
        row.version = (row.version or 0) + 1 if row.pk else 1
        row.full_clean(exclude=["item", "recorded_by"])
        row.save()
        touched.add(items[entry.item_id].plan)
        result.saved += 1
    for plan in touched:
        _record(
            plan,
            PlanEventKind.PROGRESS,
            user,
            reason=f"{period}",
            snapshot={
                "month": period.slug,
                "progress": [
                    {"item": p.item.task[:80], "percent": p.percent, "text": p.text}
                    for p in PlanProgress.objects.filter(
                        item__plan=plan, year=period.year, month=period.month
                    ).select_related("item")
                ],
            },
        )
    return result
