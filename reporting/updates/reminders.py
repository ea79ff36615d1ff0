"""Deadline reminders: N working days before, on the day, and once overdue, to the lead unit's
staff; once a month a summary of overdue updates for the DRC; and before the responsible
units' inputs are due, to those that have given none. A Reminder row with a
unique key is written in the same transaction as the sending, so each step goes out once."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accounts.choices import NoticeKind
from accounts.notifications import drc_staff
from chains.teams.models import TeamMember
from chains.teams.selectors import contacts as team_contacts
from reporting.choices import ReminderStep
from reporting.models import Contribution, MonthlyUpdate, Reminder, ReportingPeriod
from reporting.notices.services import notify
from reporting.periods.services import today
from reporting.periods.workdays import WorkCalendar
from reporting.updates.selectors import lead_pairs, responsible_pairs


def step_for(
    period: ReportingPeriod, on: datetime.date, calendar: WorkCalendar
) -> ReminderStep | None:
    if on > period.deadline:
        return ReminderStep.OVERDUE
    if on == period.deadline:
        return ReminderStep.DUE_TODAY
    if calendar.working_days_until(on, period.deadline) <= settings.REPORTING_REMINDER_WORKING_DAYS:
        return ReminderStep.BEFORE
    return None


def owing(period: ReportingPeriod) -> list[tuple]:
    """(industry, lead unit) pairs with nothing submitted yet for the period."""
    submitted = set(
        MonthlyUpdate.objects.filter(period=period, first_submitted_at__isnull=False).values_list(
            "industry_id", "unit_id"
        )
    )
    return [(i, u) for i, u in lead_pairs() if (i.pk, u.pk) not in submitted]


def _send_once(
    key: str, period: ReportingPeriod, step: ReminderStep, recipients, subject: str, text: str
) -> bool:
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            key=key, defaults={"period": period, "step": step}
        )
        if not created:
            return False
        reminder.recipients = notify(
            recipients,
            subject=subject,
            text=text,
            link=reverse("reporting:due"),
            kind=NoticeKind.REMINDER,
        )
        reminder.save(update_fields=["recipients"])
    return True


def send_due_reminders(on: datetime.date | None = None) -> int:

    on = on or today()
    calendar = WorkCalendar()
    window = datetime.timedelta(days=45)
    sent = 0
    for period in ReportingPeriod.objects.filter(
        deadline__gte=on - window, deadline__lte=on + window
    ):
        if period.first_day > on:
            continue
        sent += contribution_reminders(period, on, calendar)
        step = step_for(period, on, calendar)
        if step is None:
            continue
        pairs = owing(period)
        deadline = f"{period.deadline:%Y年%m月%d日}"
        # Counted without that year's holidays: say so rather than promise a date.
        caveat = ""
        if calendar.provisional(period).deadline:
            years = calendar.years_unknown(range(period.year, period.deadline.year + 1))
            caveat = (
                f"截止日期{deadline}为暂定：{'、'.join(map(str, years))}年节假日安排尚未录入，"
                "录入后可能调整。"
            )
        for industry, unit in pairs:
            text = {
                ReminderStep.BEFORE: f"{industry.name}{period}的月度进展将于{deadline}截止，请及时填报。",
                ReminderStep.DUE_TODAY: f"今天（{deadline}）是{industry.name}{period}月度进展的报送截止日。",
                ReminderStep.OVERDUE: f"{industry.name}{period}的月度进展已超过截止日期（{deadline}），请尽快报送。",
            }[step] + caveat
            key = f"{period.slug}:{industry.code}:{unit.code}:{step}"
            sent += _send_once(
                key,
                period,
                step,
                team_contacts(industry.pk, unit.pk),
                f"【进展报送提醒】{industry.name} {period}",
                text,
            )
        if step == ReminderStep.OVERDUE and pairs:
            listing = "；".join(f"{u.name}（{i.name}）" for i, u in pairs)
            sent += _send_once(
                f"{period.slug}:drc:{ReminderStep.DRC_SUMMARY}",
                period,
                ReminderStep.DRC_SUMMARY,
                drc_staff(),
                f"【逾期汇总】{period}月度进展",
                f"{period}月度进展截至{deadline}仍未报送的有 {len(pairs)} 项：{listing}。",
            )
    return sent


def contribution_reminders(
    period: ReportingPeriod, on: datetime.date, calendar: WorkCalendar
) -> int:
    """Once, in the working days before the responsible units' inputs are due (and on the
    day), remind each responsible unit that has given none for an industry this month — those
    of the industry's work team when it has one, else all of them — through the people the
    team names for it."""
    due = calendar.contribution_deadline(period)
    if on > due or calendar.working_days_until(on, due) > settings.REPORTING_REMINDER_WORKING_DAYS:
        return 0
    given = set(
        Contribution.objects.filter(update__period=period).values_list(
            "update__industry_id", "unit_id"
        )
    )
    teams: dict[int, set[int]] = {}
    for industry_id, unit_id in TeamMember.objects.filter(removed_at__isnull=True).values_list(
        "industry_id", "unit_id"
    ):
        teams.setdefault(industry_id, set()).add(unit_id)
    sent = 0
    day = f"{due:%Y年%m月%d日}"
    for industry, unit in responsible_pairs():
        if (industry.pk, unit.pk) in given:
            continue
        if industry.pk in teams and unit.pk not in teams[industry.pk]:
            continue
        sent += _send_once(
            f"{period.slug}:{industry.code}:{unit.code}:{ReminderStep.CONTRIBUTION}",
            period,
            ReminderStep.CONTRIBUTION,
            team_contacts(industry.pk, unit.pk),
            f"【材料报送提醒】{industry.name} {period}",
            f"请于{day}前为{industry.name}{period}的月度进展提供本单位材料（素材），"
            "牵头单位将据此汇总报送。",
        )
    return sent
