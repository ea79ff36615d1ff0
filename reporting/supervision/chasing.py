"""Chasing (催办) on the Chinese working-day calendar. Each working day the beat task looks at
every item still with its host unit (assigned or in progress):

- not acknowledged N working days after it was assigned: the host unit is chased to 签收;
- N working days before the deadline, on the day, and once overdue: the host unit is told;
- N working days overdue: the DRC and the lead official's office are told (逾期升级).

The numbers are the administrators' (SupervisionRules). Each automatic chase is an ActionChase
row with a unique key written in the same transaction as its notices, so a task run twice (or
two workers at once) sends nothing twice; an extended deadline starts its steps afresh. On a
day off nothing is sent: the next working day catches up. The DRC can also chase by hand, with
a message; every chase is recorded on the item."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.choices import NoticeKind, Role
from accounts.models import User
from accounts.notifications import drc_staff, unit_staff
from reporting.choices import ActionStatus, ChaseStep
from reporting.models import ActionChase, ActionItem, SupervisionRules
from reporting.notices.services import notify
from reporting.periods.services import today
from reporting.periods.workdays import WorkCalendar

CHASED_STATES = (ActionStatus.ASSIGNED, ActionStatus.IN_PROGRESS)


def chase_steps(
    item: ActionItem, on: datetime.date, calendar: WorkCalendar, rules: SupervisionRules
) -> list[ChaseStep]:
    """The automatic chases an item is due on a day (each is sent once: see chase_due)."""
    if item.status not in CHASED_STATES or not calendar.is_working_day(on):
        return []
    steps = []
    if item.status == ActionStatus.ASSIGNED:
        assigned = timezone.localtime(item.assigned_at).date()
        # N working days to acknowledge: chased the working day after the N-th
        if on > calendar.add_working_days(assigned, rules.acknowledge_working_days):
            steps.append(ChaseStep.ACKNOWLEDGE)
    if on > item.deadline:
        steps.append(ChaseStep.OVERDUE)
        if calendar.working_days_until(item.deadline, on) >= rules.escalate_after_working_days:
            steps.append(ChaseStep.ESCALATED)
    elif on == item.deadline:
        steps.append(ChaseStep.DUE_TODAY)
    elif calendar.working_days_until(on, item.deadline) <= rules.before_working_days:
        steps.append(ChaseStep.BEFORE)
    return steps


def lead_offices(item: ActionItem) -> list[User]:
    """The accounts of the industry's lead city officials (their offices)."""
    return list(
        User.objects.filter(
            role=Role.LEADER,
            is_active=True,
            official__assignment_links__assignment__industries=item.industry_id,
        ).distinct()
    )


def _message(item: ActionItem, step: ChaseStep) -> tuple[list[User], str]:
    decision, deadline = item.decision[:60], f"{item.deadline:%Y年%m月%d日}"
    host = unit_staff(item.unit_id)
    if step == ChaseStep.ACKNOWLEDGE:
        return host, f"【催办】督办事项“{decision}”已交办，贵单位尚未签收，请尽快签收并办理。"
    if step == ChaseStep.BEFORE:
        return host, f"【临期提醒】督办事项“{decision}”将于{deadline}到期，请抓紧办理并及时反馈。"
    if step == ChaseStep.DUE_TODAY:
        return host, f"【到期提醒】督办事项“{decision}”今天（{deadline}）到期，请及时反馈办理结果。"
    if step == ChaseStep.OVERDUE:
        return (
            host,
            f"【逾期催办】督办事项“{decision}”已超过办结期限（{deadline}），请尽快办理并反馈。",
        )
    return (
        drc_staff() + lead_offices(item),
        f"【逾期升级】{item.unit.name}主办的督办事项“{decision}”已逾期（期限{deadline}），"
        "请关注督办。",
    )


def chase_key(item: ActionItem, step: ChaseStep) -> str:
    """Once per item for 签收; once per deadline for the others (an extension starts afresh)."""
    if step == ChaseStep.ACKNOWLEDGE:
        return f"{item.pk}:{step}"
    return f"{item.pk}:{step}:{item.deadline:%Y%m%d}"


def _send_once(item: ActionItem, step: ChaseStep) -> bool:
    key = chase_key(item, step)
    recipients, text = _message(item, step)
    try:
        with transaction.atomic():
            chase = ActionChase.objects.create(action=item, step=step, key=key, text=text[:300])
            chase.recipients = notify(
                recipients,
                subject=f"【督办】{item.industry.name}",
                text=text,
                link=reverse("reporting:action", args=[item.pk]),
                kind=NoticeKind.CHASE,
            )
            chase.save(update_fields=["recipients"])
    except IntegrityError:  # sent already (by an earlier run, or a run beside this one)
        return False
    return True


def chase_due(on: datetime.date | None = None) -> int:
    """Send the day's automatic chases; the number sent."""
    on = on or today()
    calendar, rules = WorkCalendar(), SupervisionRules.current()
    sent = 0
    items = ActionItem.objects.filter(status__in=CHASED_STATES).select_related("industry", "unit")
    sent_keys = set(
        ActionChase.objects.filter(action__status__in=CHASED_STATES)
        .exclude(key="")
        .values_list("key", flat=True)
    )
    for item in items.order_by("deadline", "pk"):
        for step in chase_steps(item, on, calendar, rules):
            if (
                chase_key(item, step) not in sent_keys
            ):  # the unique key is the guard; this saves work
                sent += _send_once(item, step)
    return sent


@transaction.atomic
def chase_by_hand(*, action: ActionItem, user: User, text: str) -> ActionChase:
    """The DRC chases an item with its own message, to the host unit (and co-units)."""
    text = text.strip()
    if not text:
        raise ValidationError("请填写催办内容。")
    action = ActionItem.objects.select_related("industry", "unit").get(pk=action.pk)
    if action.status not in CHASED_STATES:
        raise ValidationError("该督办事项不在办理中，无需催办。")
    units = [action.unit_id, *action.co_units.values_list("pk", flat=True)]
    recipients = [u for unit in units for u in unit_staff(unit)]
    message = f"【催办】市发改委就督办事项“{action.decision[:50]}”催办：{text}"
    chase = ActionChase.objects.create(
        action=action, step=ChaseStep.MANUAL, text=message[:300], sent_by=user
    )
    link = reverse("reporting:action", args=[action.pk])

    def send():
        ActionChase.objects.filter(pk=chase.pk).update(
            recipients=notify(
                recipients,
                subject=f"【督办】{action.industry.name}",
                text=message,
                link=link,
                kind=NoticeKind.CHASE,
            )
        )

    transaction.on_commit(send)
    return chase
