"""Writes of reporting months: today's date in Asia/Shanghai, and each month's row with its
deadline and lock date, created when first needed (`periods_ensure`, daily)."""

import datetime

from django.utils import timezone

from portal.months import next_month, previous_month
from reporting.models import ReportingPeriod
from reporting.periods.workdays import WorkCalendar


def today() -> datetime.date:
    return timezone.localdate()


def period_defaults(year: int, month: int, calendar: WorkCalendar | None = None) -> dict:
    calendar = calendar or WorkCalendar()
    deadline, lock_date = calendar.period_dates(year, month)
    return {
        "deadline": deadline,
        "lock_date": lock_date,
        "analysis_deadline": calendar.analysis_deadline(year, month),
    }


def period_get_or_create(year: int, month: int) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(year=year, month=month).first()
    if period is None:
        period, _created = ReportingPeriod.objects.get_or_create(
            year=year, month=month, defaults=period_defaults(year, month)
        )
    return period


def periods_ensure(until: datetime.date | None = None, months_back: int = 0) -> None:
    """Make sure every month up to `until` (today) has its period, with no gaps after the
    first one. `months_back` opens earlier months too (the demo data does)."""
    until = until or today()
    year, month = until.year, until.month
    for _ in range(months_back):
        year, month = previous_month(year, month)
    latest = ReportingPeriod.objects.order_by("-year", "-month").first()
    if latest and (latest.year, latest.month) >= (until.year, until.month) and not months_back:
        return
    if latest and not months_back:
        year, month = next_month(latest.year, latest.month)
    calendar = WorkCalendar()
    existing = set(ReportingPeriod.objects.values_list("year", "month"))
    while (year, month) <= (until.year, until.month):
        if (year, month) not in existing:
            ReportingPeriod.objects.get_or_create(
                year=year, month=month, defaults=period_defaults(year, month, calendar)
            )
        year, month = next_month(year, month)
