"""Deadlines on the Chinese working-day calendar."""

import datetime
import itertools

import chinese_calendar
import pytest

from reporting.choices import DueStatus, Light
from reporting.models import CalendarOverride, CalendarYear, ReportingPeriod
from reporting.periods import services
from reporting.periods.workdays import Provisional, WorkCalendar, first_unknown_year, package_knows
from reporting.updates.selectors import due_status, light

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
    # Dates an administrator set (reporting.periods.admin marks them) are theirs, not a guess.
    december.deadline += datetime.timedelta(days=1)
    december.dates_set_by_hand = True
    december.save()
    december = ReportingPeriod.objects.get(pk=december.pk)
    assert not december.provisional
    assert december.lock_date > december.deadline


# --- known answers: the State Council's published holiday arrangements ------------------------------
#
# The days off and the make-up working days (调休) below are copied from the notices, not from
# the chinese-calendar package the portal reads them from:
# - 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）;
# - 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）.


def days(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    return {first + datetime.timedelta(days=n) for n in range((last - first).days + 1)}


NOTICES = {
    2025: {
        "off": {D(2025, 1, 1)}  # 元旦：1月1日（周三）放假1天，不调休
        | days(D(2025, 1, 28), D(2025, 2, 4))  # 春节：1月28日（除夕）至2月4日，共8天
        | days(D(2025, 4, 4), D(2025, 4, 6))  # 清明节：4月4日至6日
        | days(D(2025, 5, 1), D(2025, 5, 5))  # 劳动节：5月1日至5日
        | days(D(2025, 5, 31), D(2025, 6, 2))  # 端午节：5月31日至6月2日
        | days(D(2025, 10, 1), D(2025, 10, 8)),  # 国庆节、中秋节：10月1日至8日，共8天
        "worked": {
            D(2025, 1, 26),  # 周日，春节调休
            D(2025, 2, 8),  # 周六，春节调休
            D(2025, 4, 27),  # 周日，劳动节调休
            D(2025, 9, 28),  # 周日，国庆节调休
            D(2025, 10, 11),  # 周六，国庆节调休
        },
    },
    2026: {
        "off": days(D(2026, 1, 1), D(2026, 1, 3))  # 元旦：1月1日（周四）至3日
        | days(D(2026, 2, 15), D(2026, 2, 23))  # 春节：2月15日（腊月二十八）至23日，共9天
        | days(D(2026, 4, 4), D(2026, 4, 6))  # 清明节：4月4日至6日
        | days(D(2026, 5, 1), D(2026, 5, 5))  # 劳动节：5月1日至5日
        | days(D(2026, 6, 19), D(2026, 6, 21))  # 端午节：6月19日至21日
        | days(D(2026, 9, 25), D(2026, 9, 27))  # 中秋节：9月25日至27日
        | days(D(2026, 10, 1), D(2026, 10, 7)),  # 国庆节：10月1日至7日，共7天
        "worked": {
            D(2026, 1, 4),  # 周日，元旦调休
            D(2026, 2, 14),  # 周六，春节调休
            D(2026, 2, 28),  # 周六，春节调休
            D(2026, 5, 9),  # 周六，劳动节调休
            D(2026, 9, 20),  # 周日，国庆节调休
            D(2026, 10, 10),  # 周六，国庆节调休
        },
    },
}


def working_days_in(calendar: WorkCalendar, first: datetime.date, last: datetime.date) -> int:
    """Working days from `first` to `last`, both included, counted by the portal's own
    working_days_until (which counts after its first day)."""
    return calendar.working_days_until(first - datetime.timedelta(days=1), last)


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_every_day_of_the_year_is_as_the_state_council_published(year):
    """Day by day against the notice of that year (see NOTICES): Monday–Friday work, weekends
    rest, except the days off and the weekends worked (调休) the notice lists."""
    notice = NOTICES[year]
    calendar = WorkCalendar(overrides={})
    wrong = [
        day
        for day in days(D(year, 1, 1), D(year, 12, 31))
        if calendar.is_working_day(day)
        != (day in notice["worked"] or (day.weekday() < 5 and day not in notice["off"]))
    ]
    assert wrong == []


@pytest.mark.parametrize("year", [2025, 2026])
def test_a_year_has_248_working_days(year):
    """248 working days in 2025 and in 2026, counted from the notices: 261 weekdays (365 days,
    52 weeks and one more weekday), less the weekdays off (2025: 元旦 1, 春节 6, 清明 1, 劳动节
    3, 端午 1, 国庆·中秋 6 = 18; 2026: 2 + 6 + 1 + 3 + 1 + 1 + 5 = 19), plus the weekends
    worked (2025: 5; 2026: 6). The same as 365 − 104 weekend days − 13 statutory holidays, the
    figure since the holidays' 2024 revision (《全国年节及纪念日放假办法》: 13 days from
    2025). Not 250: that was the count with 11 statutory holidays, before 2025."""
    assert working_days_in(WorkCalendar(overrides={}), D(year, 1, 1), D(year, 12, 31)) == 248


def test_working_days_in_months_with_long_holidays():
    """From the notices: October 2025 has 23 weekdays, 6 of them off (1–3 and 6–8, 国庆·中秋),
    and one Saturday worked (11th; the other 调休 day, Sunday 28 September, is in September):
    18. February 2026 has 20 weekdays, 6 off (16–20 and 23, 春节), and two Saturdays worked
    (14th and 28th): 16. January 2026: 22 weekdays, 2 off (1st, 2nd), Sunday the 4th worked:
    21. May 2026: 21 weekdays, 3 off (1st, 4th, 5th), Saturday the 9th worked: 19."""
    calendar = WorkCalendar(overrides={})
    assert working_days_in(calendar, D(2025, 10, 1), D(2025, 10, 31)) == 18
    assert working_days_in(calendar, D(2025, 9, 1), D(2025, 9, 30)) == 23  # 22 + Sunday 28th
    assert working_days_in(calendar, D(2026, 2, 1), D(2026, 2, 28)) == 16
    assert working_days_in(calendar, D(2026, 1, 1), D(2026, 1, 31)) == 21
    assert working_days_in(calendar, D(2026, 5, 1), D(2026, 5, 31)) == 19


def test_nth_working_day_across_the_holidays():
    """The n-th working day, from the notices. February 2026: 2–6, 9–13, Saturday 14 (调休),
    then nothing until 24 (春节 15–23): the 11th working day is Saturday the 14th, the 12th is
    the 24th, the 16th and last is Saturday the 28th (调休). January 2026 starts on Sunday the
    4th (调休; 1–3 off). May 2026: 6, 7, 8, Saturday 9 (调休), 11."""
    calendar = WorkCalendar(overrides={})
    assert calendar.nth_working_day(2026, 2, 5) == D(2026, 2, 6)
    assert calendar.nth_working_day(2026, 2, 11) == D(2026, 2, 14)
    assert calendar.nth_working_day(2026, 2, 12) == D(2026, 2, 24)
    assert calendar.nth_working_day(2026, 2, 16) == D(2026, 2, 28)
    assert calendar.nth_working_day(2026, 1, 1) == D(2026, 1, 4)
    assert calendar.nth_working_day(2026, 5, 4) == D(2026, 5, 9)
    assert calendar.nth_working_day(2025, 10, 1) == D(2025, 10, 9)
    assert calendar.nth_working_day(2025, 10, 3) == D(2025, 10, 11)
    # Counting on: two working days after Friday 13 February 2026 are Saturday 14 and the 24th.
    assert calendar.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


@pytest.mark.parametrize(
    ("year", "month", "deadline", "lock_date"),
    [
        # Due the 5th working day of the next month, locked 5 working days after that.
        # December 2025: January 2026's working days are Sun 4 (调休), 5, 6, 7, 8 → the 8th;
        # then 9, 12, 13, 14, 15.
        (2025, 12, D(2026, 1, 8), D(2026, 1, 15)),
        # January 2026: 2–6 February → the 6th; then 9–13 (春节 starts on the 15th).
        (2026, 1, D(2026, 2, 6), D(2026, 2, 13)),
        # April 2026: 劳动节 1–5 May; 6, 7, 8, Sat 9 (调休), 11 → the 11th; then 12–15, 18.
        (2026, 4, D(2026, 5, 11), D(2026, 5, 18)),
        # September 2026: 国庆 1–7 October; 8, 9, Sat 10 (调休), 12, 13 → the 13th; then 14–16,
        # 19, 20.
        (2026, 9, D(2026, 10, 13), D(2026, 10, 20)),
    ],
)
def test_deadlines_and_lock_dates_on_the_published_calendar(db, year, month, deadline, lock_date):
    period = services.period_get_or_create(year, month)
    assert (period.deadline, period.lock_date) == (deadline, lock_date)
    assert not period.provisional


def test_a_deadline_set_by_the_drc_locks_after_the_spring_festival(db):
    """The lock date counts on from the deadline an administrator set: January 2026's update,
    due on Thursday 12 February instead, locks 5 working days later, on the other side of 春节
    (13, Saturday 14 (调休), 24, 25, 26): the 26th, not the 19th that weekdays alone give."""
    calendar = WorkCalendar()
    assert calendar.period_dates(2026, 1, D(2026, 2, 12)) == (D(2026, 2, 6), D(2026, 2, 26))


def test_the_first_year_the_package_does_not_know_follows_the_last_it_knows():
    year = first_unknown_year()
    assert year >= 2026  # the installed chinese-calendar knows at least 2004–2025
    assert package_knows(year - 1) and not package_knows(year)


def test_a_period_is_provisional_when_either_date_is():
    assert Provisional(deadline=True) and Provisional(lock_date=True)
    assert Provisional(deadline=True, lock_date=True)
    assert not Provisional()


def test_a_calendar_built_in_memory_knows_only_the_years_it_is_given():
    """No database behind it (this test has none): nothing but what it was given."""
    assert WorkCalendar(overrides={}).complete_years == set()
    assert WorkCalendar(overrides={}, complete_years={2027}).complete_years == {2027}
    assert WorkCalendar(overrides={}, complete_years=[2027]).year_known(2027)


def test_a_year_the_package_does_not_know_is_logged_once(caplog, monkeypatch):
    """Administrators learn from the log that the holidays of a year must be entered: once per
    process, however many calendars (one a request) and days ask about it."""
    from reporting.periods import workdays

    monkeypatch.setattr(workdays, "_WARNED", set())  # as a new process
    year = unknown_year()
    with caplog.at_level("WARNING", logger="reporting.periods.workdays"):
        for _request in range(3):
            calendar = WorkCalendar(overrides={})
            calendar.is_working_day(D(year, 3, 2))
            calendar.is_working_day(D(year, 3, 3))
            assert calendar.unknown_years == {year}
    said = [r.getMessage() for r in caplog.records if "No holiday data" in r.getMessage()]
    assert said == [f"No holiday data for {year}; using weekdays and overrides"]


def test_in_a_year_the_package_does_not_know_weekends_are_days_off():
    year = unknown_year()
    calendar = WorkCalendar(overrides={})
    days = [D(year, 3, d) for d in range(1, 8)]
    assert [calendar.is_working_day(d) for d in days] == [d.weekday() < 5 for d in days]
    assert {d.weekday() for d in days if not calendar.is_working_day(d)} == {5, 6}


def test_the_process_keeps_one_calendar_until_the_calendar_changes(
    db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Issue 20: pages share the process's calendar (no query), built again when an override
    or a declared year is written, here or (by topics.PERIODS) in another process."""
    from portal import dataversion

    national_day = datetime.date(2026, 10, 2)  # a Friday of the holiday week
    first = WorkCalendar.current()
    assert not first.is_working_day(national_day)
    with django_assert_num_queries(0):
        assert WorkCalendar.current() is first
        assert not WorkCalendar.current().is_working_day(national_day)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(date=national_day, is_working_day=True, note="测试")
    assert WorkCalendar.current() is not first
    assert WorkCalendar.current().is_working_day(national_day)
    # Another process wrote one: the bump of topics.PERIODS is seen at the next use.
    kept = WorkCalendar.current()
    CalendarOverride.objects.filter(date=national_day).update(is_working_day=False)
    assert WorkCalendar.current() is kept  # a write without its bump is not seen ...
    dataversion.bump_now(dataversion.topics.PERIODS)
    assert not WorkCalendar.current().is_working_day(national_day)  # ... the bump is
