"""Working days on the Chinese calendar: public holidays and make-up working days (调休) from
the chinese-calendar package, corrected by admins' CalendarOverride rows for dates the package
does not know yet."""

import datetime
import logging

import chinese_calendar

from .models import CalendarOverride

logger = logging.getLogger(__name__)


class WorkCalendar:
    """Load the overrides once (one query), then answer any number of questions."""

    def __init__(self, overrides: dict[datetime.date, bool] | None = None):
        if overrides is None:
            overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
        self.overrides = overrides
        self.unknown_years: set[int] = set()

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # The package has no data for this year yet: fall back to Monday–Friday until
            # an admin enters the announced holidays as overrides.
            if day.year not in self.unknown_years:
                self.unknown_years.add(day.year)
                logger.warning("No holiday data for %s; using weekdays and overrides", day.year)
            return day.weekday() < 5

    def nth_working_day(self, year: int, month: int, n: int) -> datetime.date:
        """The n-th working day of a month (n=5: the default deadline)."""
        day = datetime.date(year, month, 1)
        count = 0
        while True:
            if self.is_working_day(day):
                count += 1
                if count == n:
                    return day
            day += datetime.timedelta(days=1)

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        while n > 0:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_until(self, today: datetime.date, deadline: datetime.date) -> int:
        """Working days left after today up to and including the deadline (0 on the day)."""
        count, day = 0, today
        while day < deadline:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def months_before(today: datetime.date, count: int) -> list[tuple[int, int]]:
    """The `count` months before today's, oldest first."""
    year, month, out = today.year, today.month, []
    for _ in range(count):
        year, month = previous_month(year, month)
        out.append((year, month))
    return out[::-1]
