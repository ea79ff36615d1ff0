"""Deadlines on the Chinese working-day calendar."""

import datetime
import itertools

import chinese_calendar

from reporting import services
from reporting.choices import DueStatus, Light
from reporting.models import CalendarOverride, CalendarYear, ReportingPeriod
from reporting.selectors import due_status, light
from reporting.workdays import WorkCalendar, package_knows

D = datetime.date


def test_golden_week_weekday_is_not_a_working_day_and_make_up_days_are():
    calendar = WorkCalendar(overrides={})
    assert not calendar.is_working_day(D(2025, 10, 2))  # a Thursday in Golden Week
    assert calendar.is_working_day(D(2025, 9, 28))  # a Sunday worked in lieu (调休)
    assert calendar.is_working_day(D(2025, 10, 11))  # a Saturday worked in lieu (调休)
    assert not calendar.is_working_day(D(2025, 10, 12))  # an ordinary Sunday


def test_default_deadline_counts_the_make_up_saturday(september):
    # October 2025 working days: 9 (Thu), 10 (Fri), 11 (Sat, 调休), 13 (Mon), 14 (Tue).
    # Counting the weekday only would give the 15th; ignoring Golden Week, the 7th.
    assert september.deadline == D(2025, 10, 14)
    # Lock date: five working days later.
    assert september.lock_date == D(2025, 10, 21)


def test_ordinary_month_deadline(db):
    period = services.period_get_or_create(2025, 6)
    # July 2025 starts on a Tuesday: 1, 2, 3, 4, 7.
    assert period.deadline == D(2025, 7, 7)


def test_late_and_overdue_follow_the_calendar(electronics_update, september):
    update = electronics_update
    assert due_status(update, september, D(2025, 10, 14)) == DueStatus.DRAFT
    assert due_status(update, september, D(2025, 10, 15)) == DueStatus.OVERDUE
    assert due_status(None, september, D(2025, 10, 15)) == DueStatus.OVERDUE
    assert due_status(None, september, D(2025, 10, 9)) == DueStatus.NOT_STARTED
    update.status = "submitted"
    update.first_submitted_at = datetime.datetime(
        2025, 10, 14, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    assert due_status(update, september, D(2025, 10, 20)) == DueStatus.SUBMITTED_ON_TIME
    update.first_submitted_at = datetime.datetime(
        2025, 10, 15, 8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    assert due_status(update, september, D(2025, 10, 20)) == DueStatus.SUBMITTED_LATE


def test_traffic_light(september):
    calendar = WorkCalendar(overrides={})
    # 9 October: 3 working days after it up to the 14th (10, 11, 13, 14 → 4) → green.
    assert light(DueStatus.DRAFT, september, D(2025, 10, 9), calendar) == Light.GREEN
    assert (
        light(DueStatus.DRAFT, september, D(2025, 10, 10), calendar) == Light.YELLOW
    )  # 11, 13, 14
    assert light(DueStatus.OVERDUE, september, D(2025, 10, 15), calendar) == Light.RED
    assert light(DueStatus.SUBMITTED_ON_TIME, september, D(2025, 10, 15), calendar) == Light.NONE
    # During Golden Week the deadline is still four working days away: green, not yellow.
    assert light(DueStatus.NOT_STARTED, september, D(2025, 10, 3), calendar) == Light.GREEN


def unknown_year() -> int:
    """The first year after the last one the installed chinese-calendar has holidays for (2027
    with 1.11), probed from the package's own first year and never from today's date: the
    year before it is known, whatever the date the tests run on."""
    first = min(chinese_calendar.holidays).year
    year = next(y for y in itertools.count(first) if not package_knows(y))
    assert package_knows(year - 1)
    return year


def first_weekday(year: int) -> datetime.date:
    day = D(year, 1, 1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def test_a_year_the_package_does_not_know_is_known_once_declared_complete(db):
    year = unknown_year()
    day = first_weekday(year)
    calendar = WorkCalendar()
    # Not known: Monday–Friday stand in, and whatever is counted across it is provisional.
    assert calendar.nth_working_day(year, 1, 1) == day
    assert not calendar.year_known(year)
    assert calendar.is_provisional(D(year - 1, 12, 1), D(year, 1, 10))
    # One holiday typed in by hand counts, but the rest of the year (春节 …) is still unknown.
    CalendarOverride.objects.create(date=day, is_working_day=False, note="元旦")
    calendar = WorkCalendar()
    assert calendar.nth_working_day(year, 1, 1) > day
    assert not calendar.year_known(year)
    assert calendar.is_provisional(D(year - 1, 12, 1), D(year, 1, 10))
    # An administrator declared the year's calendar complete.
    CalendarYear.objects.create(year=year)
    calendar = WorkCalendar()
    assert calendar.year_known(year)
    assert not calendar.is_provisional(D(year - 1, 12, 1), D(year, 1, 10))
    CalendarOverride.objects.create(date=D(2025, 10, 11), is_working_day=False, note="测试")
    assert not WorkCalendar().is_working_day(D(2025, 10, 11))


def test_a_deadline_counted_across_an_unknown_year_is_provisional(db):
    year = unknown_year()
    december = services.period_get_or_create(year - 1, 12)  # due in January of `year`
    november = services.period_get_or_create(year - 1, 11)  # due in December: known
    assert december.deadline.year == year
    assert december.provisional.deadline and december.provisional.lock_date
    assert not november.provisional
    # Dates an administrator set (reporting.admin marks them) are theirs, not a guess.
    december.deadline += datetime.timedelta(days=1)
    december.dates_set_by_hand = True
    december.save()
    december = ReportingPeriod.objects.get(pk=december.pk)
    assert not december.provisional
    assert december.lock_date > december.deadline
