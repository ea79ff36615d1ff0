"""Reads of the supervision loop: an item's traffic light, and a unit's open items."""

import datetime

from django.conf import settings
from django.db.models import Q

from reporting.choices import ActionStatus, Light
from reporting.models import ActionItem
from reporting.periods.workdays import WorkCalendar
from reporting.supervision.board import is_overdue


def action_light(action: ActionItem, on: datetime.date, calendar: WorkCalendar) -> Light:
    """Blue (蓝, on track); yellow within N working days of the deadline; red overdue; none
    once it is no longer open (closed, cancelled, merged)."""
    if not action.is_open:
        return Light.NONE
    if is_overdue(action, on):
        return Light.RED
    if on > action.deadline:  # reported done in time, waiting for the DRC's review
        return Light.BLUE
    if calendar.working_days_until(on, action.deadline) <= settings.REPORTING_REMINDER_WORKING_DAYS:
        return Light.YELLOW
    return Light.BLUE


def unit_actions(user, today, *, limit: int = 200):
    """The open items the user's unit hosts (主办) or helps with (协办), soonest deadline
    first, with their traffic light. Closed, cancelled and merged items leave the list."""
    if not user.unit_id:
        return []
    calendar = WorkCalendar.current()
    items = (
        ActionItem.objects.filter(Q(unit_id=user.unit_id) | Q(co_units=user.unit_id))
        .filter(status__in=ActionStatus.open_values())
        .distinct()
        .select_related("industry", "unit")
        .defer("evidence")  # not shown (My work caches the list)
        .order_by("deadline", "id")[:limit]
    )
    return [(a, action_light(a, today, calendar)) for a in items]


def hosted_in_progress(user, today):
    """The items the user's unit hosts and is working on: their progress can be written in the
    unit's monthly update."""
    return [
        (a, light)
        for a, light in unit_actions(user, today)
        if a.unit_id == user.unit_id and a.status == ActionStatus.IN_PROGRESS
    ]
