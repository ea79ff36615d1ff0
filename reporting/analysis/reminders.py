"""Reminders of the statistics bureau's monthly analysis, to statistics staff: N working days
before its deadline, on the day, and once overdue, each naming what is still missing. A
Reminder row with a unique key is written in the same transaction as the sending (as for the
units' updates), so each step of each month goes out once however often the task runs."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accounts.choices import NoticeKind
from accounts.notifications import statistics_staff
from reporting.analysis.selectors import owing
from reporting.choices import ReminderStep
from reporting.models import Reminder, ReportingPeriod
from reporting.notices.services import notify
from reporting.periods.services import today
from reporting.periods.workdays import WorkCalendar


def analysis_step(
    period: ReportingPeriod, on: datetime.date, calendar: WorkCalendar
) -> ReminderStep | None:
    """Which reminder the month's analysis is due on `on`, if any."""
    deadline = period.analysis_deadline
    if on > deadline:
        return ReminderStep.OVERDUE
    if on == deadline:
        return ReminderStep.DUE_TODAY
    if calendar.working_days_until(on, deadline) <= settings.REPORTING_REMINDER_WORKING_DAYS:
        return ReminderStep.BEFORE
    return None


def _listing(missing) -> str:
    names = ["城市总体" if industry is None else industry.name for industry in missing]
    if len(names) > 6:
        return "、".join(names[:6]) + f"等 {len(names)} 项"
    return "、".join(names)


def send_analysis_reminders(on: datetime.date | None = None) -> int:
    """Send each reminder due today once; returns how many were sent."""
    on = on or today()
    calendar = WorkCalendar()
    window = datetime.timedelta(days=45)
    sent = 0
    for period in ReportingPeriod.objects.filter(
        analysis_deadline__gte=on - window, analysis_deadline__lte=on + window
    ).order_by("year", "month"):
        if period.last_day >= on:
            continue  # the month is not over: nothing to analyse yet
        step = analysis_step(period, on, calendar)
        if step is None:
            continue
        missing = owing(period)
        if not missing:
            continue
        deadline = f"{period.analysis_deadline:%Y年%m月%d日}"
        listing = _listing(missing)
        text = {
            ReminderStep.BEFORE: f"{period}统计分析将于{deadline}截止，尚未报送：{listing}。",
            ReminderStep.DUE_TODAY: f"今天（{deadline}）是{period}统计分析的报送截止日，尚未报送：{listing}。",
            ReminderStep.OVERDUE: f"{period}统计分析已超过截止日期（{deadline}），仍未报送：{listing}。请尽快报送，月度报告将注明未报送。",
        }[step]
        with transaction.atomic():
            reminder, created = Reminder.objects.get_or_create(
                key=f"{period.slug}:statistics-analysis:{step}",
                defaults={"period": period, "step": step},
            )
            if not created:
                continue
            reminder.recipients = notify(
                statistics_staff(),
                subject=f"【统计分析提醒】{period}",
                text=text,
                link=reverse("analysis:month", args=[period.slug]),
                kind=NoticeKind.ANALYSIS,
            )
            reminder.save(update_fields=["recipients"])
        sent += 1
    return sent
