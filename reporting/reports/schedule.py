"""What the daily report schedule does (Celery beat runs `reporting.reports_schedule`):

- the monthly consolidated report is drafted the day after its month's lock date (or on a
  later day, if the schedule did not run that day, as long as no report exists yet);
- the annual report for year Y is drafted on the first working day after Y+1's work plans are
  due (mid-January by default), so that it carries next year's plans;
- DRC staff are reminded 10, 5 and 1 working days before January 31 while no final version
  of the annual report exists. Each reminder is sent once (ReportReminder's unique key)."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.choices import NoticeKind
from accounts.notifications import drc_staff
from reporting.choices import JobStatus, ReportKind, ReportStatus
from reporting.models import Report, ReportingPeriod, ReportJob, ReportReminder
from reporting.notices.services import notify
from reporting.periods import services as periods
from reporting.periods.workdays import WorkCalendar
from reporting.plans.selectors import plan_deadline
from reporting.reports.gather import annual_due
from reporting.reports.services import Period, report_request

REMIND_BEFORE = (10, 5, 1)  # working days before January 31


def _has_report(period: Period) -> bool:
    return (
        Report.objects.filter(kind=period.kind, period=period.key).exists()
        or ReportJob.objects.filter(kind=period.kind, period=period.key)
        .exclude(status=JobStatus.FAILED)
        .exists()
    )


def run(today: datetime.date | None = None) -> list[str]:
    today = today or periods.today()
    done = []
    # Monthly: periods locked in the last week that have no report yet.
    for p in ReportingPeriod.objects.filter(
        lock_date__lt=today, lock_date__gte=today - datetime.timedelta(days=7)
    ):
        period = Period(ReportKind.MONTHLY, p.year, p.month)
        if not _has_report(period):
            report_request(period=period, user=None)
            done.append(f"monthly {period.key}")
    # Annual: for the year just ended, once this year's work plans are due (mid-January), so
    # that the report carries them; from the first working day of January at the earliest.
    if today.month == 1:
        calendar = WorkCalendar()
        # ... but a week before it is due at the latest, whatever the plans' deadline says.
        first = min(
            max(
                calendar.nth_working_day(today.year, 1, 1),
                calendar.add_working_days(plan_deadline(today.year), 1),
            ),
            datetime.date(today.year, 1, 24),
        )
        period = Period(ReportKind.ANNUAL, today.year - 1, 0)
        if today >= first and not _has_report(period):
            report_request(period=period, user=None)
            done.append(f"annual {period.key}")
        done += _remind(today, calendar, period)
    return done


def _remind(today: datetime.date, calendar: WorkCalendar, period: Period) -> list[str]:
    due = annual_due(period.year)
    if (
        today > due
        or Report.objects.filter(
            kind=period.kind, period=period.key, status=ReportStatus.FINAL
        ).exists()
    ):
        return []
    left = calendar.working_days_until(today, due)
    step = next((n for n in sorted(REMIND_BEFORE) if left <= n), None)
    if step is None:
        return []
    key = f"annual-{period.key}-{step}"
    try:
        with transaction.atomic():
            ReportReminder.objects.create(key=key)
            notify(
                drc_staff(),
                subject=f"【年度报告】{period.year}年度报告须于{due:%-m月%-d日}前报送",
                text=f"{period.year}年度“4+4+6”现代化产业体系建设报告应于{due:%Y年%-m月%-d日}前报送市委、市政府，"
                f"还剩 {left} 个工作日，目前尚未定稿。",
                link=reverse("reports:archive"),
                kind=NoticeKind.REPORT,
            )
    except IntegrityError:
        return []  # sent already
    return [key]
