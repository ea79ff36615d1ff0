"""Reads of the supervision loop: an action item's traffic light, and a unit's open items."""

import datetime

from django.conf import settings

from reporting.choices import ActionStatus, Light
from reporting.models import ActionItem
from reporting.periods.workdays import WorkCalendar


def action_light(action: ActionItem, on: datetime.date, calendar: WorkCalendar) -> Light:
    """Green; yellow within N working days of the deadline; red overdue; none once closed."""
    if action.status == ActionStatus.CLOSED:
        return Light.NONE
    if on > action.deadline:
        return Light.RED
    if calendar.working_days_until(on, action.deadline) <= settings.REPORTING_REMINDER_WORKING_DAYS:
        return Light.YELLOW
    return Light.GREEN


def unit_actions(user, today):
    """The action items the user's unit must do, open first, with their traffic light."""
    if not user.unit_id:
        return []
    calendar = WorkCalendar()
    items = (
        ActionItem.objects.filter(unit_id=user.unit_id)
        .select_related("meeting__industry")
        .order_by("status", "deadline")[:100]
    )
    return [(a, action_light(a, today, calendar)) for a in items]
