"""Working days on the Chinese calendar: public holidays and make-up working days (调休) from
the chinese-calendar package, corrected by admins' CalendarOverride rows for dates the package
does not know yet."""

import datetime
import functools
import logging
from dataclasses import dataclass

import chinese_calendar
from django.apps import apps
from django.conf import settings

from portal.months import next_month

logger = logging.getLogger(__name__)
# The years whose missing holidays this process has warned about: once per process, not once
# per calendar (a page builds a calendar per request; the admin's page shows the years too).
_WARNED: set[int] = set()
# WorkCalendar.current(): the version of topics.PERIODS it was built at, and the calendar.
_shared: tuple[str, "WorkCalendar"] | None = None


@functools.cache
def package_knows(year: int) -> bool:
    """Whether the installed chinese-calendar has the State Council's holidays for `year`
    (1.11 stops at 2026; each release adds the year announced in November)."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def first_unknown_year() -> int:
    """The first year after the last one the installed chinese-calendar knows."""
    year = min(chinese_calendar.holidays).year
    while package_knows(year):
        year += 1
    return year


@dataclass(frozen=True)
class Provisional:
    """Which of a month's dates are provisional (暂定): computed from the calendar across a year
    whose holidays nobody knows yet, so Monday–Friday stood in for them."""

    deadline: bool = False
    lock_date: bool = False
    analysis_deadline: bool = False

    def __bool__(self) -> bool:
        return self.deadline or self.lock_date or self.analysis_deadline


def forget() -> None:
    """Build the process's calendar afresh at its next use (an override or a declared year was
    written in this process; other processes see the bump of topics.PERIODS on commit)."""
    global _shared
    _shared = None


class WorkCalendar:
    """Load the overrides once (one query), then answer any number of questions;
    `WorkCalendar.current()` keeps one for the process until the calendar changes."""

    @classmethod
    def current(cls) -> "WorkCalendar":
        """This process's calendar: built once, and again only when the overrides, the
        declared years or a month's dates change (topics.PERIODS, one cache read). Each day's
        answer is kept, so a year is worked out once per process. Built afresh when the cache
        cannot be reached."""
        from portal.dataversion import stamp, topics

        global _shared
        version = stamp([topics.PERIODS])
        if version is None:
            return cls()
        if _shared is None or _shared[0] != version:
            _shared = (version, cls())
        return _shared[1]

    def __init__(
        self,
        overrides: dict[datetime.date, bool] | None = None,
        complete_years: set[int] | None = None,
    ):
        if overrides is None:
            # By the app registry, not an import: the period model asks this module whether its
            # dates are provisional, so the models module imports this one.
            overrides = dict(
                apps.get_model("reporting", "CalendarOverride").objects.values_list(
                    "date", "is_working_day"
                )
            )
        elif complete_years is None:
            complete_years = set()  # a calendar built in memory knows only what it is given
        if complete_years is not None:
            self.complete_years = set(complete_years)
        self.overrides = overrides
        self.unknown_years: set[int] = set()
        self._days: dict[datetime.date, bool] = {}

    @functools.cached_property
    def complete_years(self) -> set[int]:
        """The years an administrator declared complete (CalendarYear). Read only when a year
        the package does not know comes up, so the usual calendar stays one query."""
        return set(
            apps.get_model("reporting", "CalendarYear").objects.values_list("year", flat=True)
        )

    def year_known(self, year: int) -> bool:
        # Overrides alone do not make a year known: one holiday typed in by hand leaves 春节
        # and the rest unknown. Only the package or an administrator's declaration does.
        return package_knows(year) or year in self.complete_years

    def years_unknown(self, years) -> list[int]:
        """Those of `years` whose holidays neither the package nor an administrator's
        declaration (CalendarYear) covers."""
        return sorted(year for year in set(years) if not self.year_known(year))

    def is_provisional(self, start: datetime.date, end: datetime.date) -> bool:
        """Counting working days from `start` to `end` crosses a year nobody knows."""
        return bool(self.years_unknown(range(start.year, end.year + 1)))

    def period_dates(
        self, year: int, month: int, deadline: datetime.date | None = None
    ) -> tuple[datetime.date, datetime.date]:
        """The calendar's on-time deadline for a month's updates (the n-th working day of the
        next month) and its lock date (n working days after `deadline`, by default that one)."""
        next_year, next_month_ = next_month(year, month)
        computed = self.nth_working_day(
            next_year, next_month_, settings.REPORTING_DEADLINE_WORKING_DAY
        )
        lock_date = self.add_working_days(
            deadline or computed, settings.REPORTING_LOCK_AFTER_WORKING_DAYS
        )
        return computed, lock_date

    def contribution_deadline(self, period) -> datetime.date:
        """When the responsible units' inputs for a month are due: the n-th working day of the
        next month (REPORTING_CONTRIBUTION_WORKING_DAY), and always before the lead unit's
        deadline, even one an administrator moved."""
        day = self.nth_working_day(
            *next_month(period.year, period.month), settings.REPORTING_CONTRIBUTION_WORKING_DAY
        )
        return min(day, period.deadline - datetime.timedelta(days=1))

    def analysis_deadline(self, year: int, month: int) -> datetime.date:
        """The calendar's deadline for the statistics bureau's analysis of a month: the n-th
        working day of the next month (REPORTING_ANALYSIS_WORKING_DAY)."""
        return self.nth_working_day(
            *next_month(year, month), settings.REPORTING_ANALYSIS_WORKING_DAY
        )

    def mark(self, periods) -> None:
        """Fill each period's `provisional` from this calendar (no query per period)."""
        for period in periods:
            period.__dict__["provisional"] = self.provisional(period)

    def provisional(self, period) -> Provisional:
        """A period's dates are provisional when the calendar computed them across a year
        nobody knows; dates an administrator set by hand (`dates_set_by_hand`) never are."""
        if period.dates_set_by_hand:
            return Provisional()
        return Provisional(
            deadline=self.is_provisional(period.first_day, period.deadline),
            lock_date=self.is_provisional(period.first_day, period.lock_date),
            analysis_deadline=self.is_provisional(period.first_day, period.analysis_deadline),
        )

    def is_working_day(self, day: datetime.date) -> bool:
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # The package has no data for this year yet: fall back to Monday–Friday until
            # an admin enters the announced holidays as overrides (and, until the year is
            # declared complete, its dates are provisional).
            self.unknown_years.add(day.year)
            if day.year not in _WARNED:
                _WARNED.add(day.year)
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
