"""A change of the working-day calendar (日历调整 typed in, changed, deleted or imported, a
year declared complete) moves the deadline and lock date of every reporting period not yet
past its lock date — never one whose dates an administrator set by hand, never a deadline
already passed, never a date to a day before today — shows the administrator what moved and
what was kept, and leaves a history entry on each period it moved."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from accounts.choices import Role
from reporting.models import CalendarOverride, ReportingPeriod
from reporting.periods import services
from reporting.periods.workdays import WorkCalendar
from tests.reporting.test_workdays import first_weekday, unknown_year

D = datetime.date


def md(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def history(period) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ReportingPeriod),
            object_id=str(period.pk),
        ).order_by("pk")
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def year():
    return unknown_year()


@pytest.fixture
def admin_user(make_user):
    return make_user("root", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user, clock):
    """Signed in after the test has set the clock: a clock moved on ends an idle session."""

    def signed_in(day: datetime.date):
        clock.set(day)
        client.force_login(admin_user)
        return client

    return signed_in


def add_holiday(client, day: datetime.date, note="元旦"):
    return client.post(
        reverse("admin:reporting_calendaroverride_add"),
        {"date": day.isoformat(), "is_working_day": "", "note": note},
        follow=True,
    )


def test_a_holiday_added_in_the_admin_moves_december_says_so_and_leaves_history(
    admin_client, admin_user, year
):
    """The issue's case: 元旦 of the year the package does not know, added by hand in early
    December, moves December's deadline one working day on (2027-01-07 → 2027-01-08)."""
    client = admin_client(D(year - 1, 12, 6))
    december = services.period_get_or_create(year - 1, 12)
    old = (december.deadline, december.lock_date)
    holiday = first_weekday(year)
    assert old[0] > holiday  # the guess counted 元旦 as a working day

    response = add_holiday(client, holiday)

    december.refresh_from_db()
    calendar = WorkCalendar()
    assert (december.deadline, december.lock_date) == calendar.period_dates(year - 1, 12)
    assert december.deadline == calendar.add_working_days(old[0], 1)
    shown = " ".join(messages_of(response))
    assert f"成功添加了 日历调整“{holiday:%Y-%m-%d} 节假日（元旦）”。" in strip_tags(shown)
    assert (
        f"{year - 1}年12月：截止 {md(old[0])} → {md(december.deadline)}，"
        f"锁定 {md(old[1])} → {md(december.lock_date)}"
    ) in shown
    # The change leaves a record on the period, with who, the old and the new dates, and why.
    [entry] = history(december)
    assert entry.user == admin_user and entry.action_flag == CHANGE
    message = entry.get_change_message()
    assert f"截止 {old[0]:%Y-%m-%d} → {december.deadline:%Y-%m-%d}" in message
    assert f"锁定 {old[1]:%Y-%m-%d} → {december.lock_date:%Y-%m-%d}" in message
    assert f"{holiday:%Y-%m-%d}" in message and "日历调整" in message
    # Still provisional: one holiday typed in is not the year's calendar.
    assert ReportingPeriod.objects.get(pk=december.pk).provisional.deadline

    # Deleting the holiday moves it back, and that is recorded too.
    override = CalendarOverride.objects.get(date=holiday)
    client.post(
        reverse("admin:reporting_calendaroverride_delete", args=[override.pk]), {"post": "yes"}
    )
    december.refresh_from_db()
    assert (december.deadline, december.lock_date) == old
    assert len(history(december)) == 2


def test_an_override_is_named_by_its_date_its_kind_and_its_note(db):
    """As the admin's messages, history and delete pages name it, in Chinese and in English."""
    holiday = CalendarOverride(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    workday = CalendarOverride(date=D(2026, 10, 10), is_working_day=True)
    assert (str(holiday), str(workday)) == ("2027-01-01 节假日（元旦）", "2026-10-10 调休上班")
    with translation.override("en"):
        assert str(holiday) == "2027-01-01 holiday (元旦)"
        assert str(workday) == "2026-10-10 make-up working day"


def test_a_period_past_its_lock_date_keeps_its_dates(admin_client, year):
    """An update judged against a deadline that has passed and locked stays judged against
    it: only the periods still open (today on or before the lock date) move."""
    december = services.period_get_or_create(year - 1, 12)
    january = services.period_get_or_create(year, 1)
    client = admin_client(december.lock_date + datetime.timedelta(days=1))
    past = (december.deadline, december.lock_date)
    january_before = (january.deadline, january.lock_date)
    # A holiday inside December's deadline window, and one inside January's.
    calendar = WorkCalendar()
    add_holiday(client, calendar.nth_working_day(year, 1, 2), "补录")
    response = add_holiday(client, calendar.nth_working_day(year, 2, 1), "补录")

    december.refresh_from_db()
    january.refresh_from_db()
    assert (december.deadline, december.lock_date) == past
    assert not history(december)
    assert january.deadline > january_before[0]
    assert (january.deadline, january.lock_date) == WorkCalendar().period_dates(year, 1)
    assert f"{year}年1月：截止" in " ".join(messages_of(response))


def test_dates_an_admin_set_by_hand_stay_even_where_they_equal_the_calendars(admin_client, year):
    """An administrator who set December's lock date by hand set the period's dates: the
    deadline in the form (equal to the calendar's) was theirs too, and neither moves."""
    client = admin_client(D(year - 1, 12, 6))
    december = services.period_get_or_create(year - 1, 12)
    deadline = december.deadline
    later_lock = december.lock_date + datetime.timedelta(days=7)
    change = reverse("admin:reporting_reportingperiod_change", args=[december.pk])
    response = client.post(
        change,
        {"deadline": deadline.isoformat(), "lock_date": later_lock.isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    december.refresh_from_db()
    assert december.dates_set_by_hand and december.lock_date == later_lock

    response = add_holiday(client, first_weekday(year))

    december.refresh_from_db()
    assert (december.deadline, december.lock_date) == (deadline, later_lock)
    shown = " ".join(messages_of(response))
    assert f"{year - 1}年12月" in shown and "由管理员设定" in shown
    assert "截止 " + md(deadline) + " →" not in shown

    # Unticking "set by hand" gives the period back to the calendar, at once.
    response = client.post(
        change,
        {
            "deadline": deadline.isoformat(),
            "lock_date": later_lock.isoformat(),
            "dates_set_by_hand": "",
        },
        follow=True,
    )
    december.refresh_from_db()
    assert not december.dates_set_by_hand
    assert (december.deadline, december.lock_date) == WorkCalendar().period_dates(year - 1, 12)
    assert december.deadline > deadline
    assert f"截止 {md(deadline)} → {md(december.deadline)}" in " ".join(messages_of(response))


def test_a_lock_date_before_the_deadline_is_refused_in_plain_chinese(admin_client):
    client = admin_client(D(2025, 10, 9))
    september = services.period_get_or_create(2025, 9)
    response = client.post(
        reverse("admin:reporting_reportingperiod_change", args=[september.pk]),
        {"deadline": "2025-10-14", "lock_date": "2025-10-10"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "锁定日期（2025-10-10）不能早于按时报送截止日期（2025-10-14）" in html
    assert "lock_after_deadline" not in html
    september.refresh_from_db()
    assert september.lock_date == D(2025, 10, 21)


def test_the_calendar_import_moves_open_periods_and_records_the_file(
    admin_client, admin_user, year
):
    client = admin_client(D(year - 1, 12, 6))
    december = services.period_get_or_create(year - 1, 12)
    old = december.deadline
    data = f"date,kind,note\n{first_weekday(year):%Y-%m-%d},holiday,元旦\n".encode()
    response = client.post(
        reverse("admin:reporting_calendaroverride_import"),
        {"file": SimpleUploadedFile(f"{year}年节假日.csv", data)},
        follow=True,
    )
    december.refresh_from_db()
    assert december.deadline > old
    assert f"{year - 1}年12月：截止 {md(old)} → {md(december.deadline)}" in " ".join(
        messages_of(response)
    )
    [entry] = history(december)
    assert entry.user == admin_user
    assert f"{year}年节假日.csv" in entry.get_change_message()


def test_declaring_a_year_complete_brings_stale_open_periods_back_to_the_calendar(
    admin_client, year
):
    """Dates computed under an older calendar (a chinese-calendar upgrade changes it without
    any administrator's action) are brought in line by the next calendar change."""
    client = admin_client(D(year - 1, 12, 6))
    december = services.period_get_or_create(year - 1, 12)
    computed = (december.deadline, december.lock_date)
    ReportingPeriod.objects.filter(pk=december.pk).update(
        deadline=computed[0] - datetime.timedelta(days=1),
        lock_date=computed[1] - datetime.timedelta(days=1),
    )
    response = client.post(
        reverse("admin:reporting_calendaryear_add"), {"year": year, "note": "逐条录入"}, follow=True
    )
    december.refresh_from_db()
    assert (december.deadline, december.lock_date) == computed
    assert f"{year - 1}年12月：截止" in " ".join(messages_of(response))
    assert not december.provisional


def test_the_migration_marks_dates_that_differ_from_the_calendar_as_set_by_hand(db, year):
    """Before the flag, a date that differed from the calendar's was how an administrator's
    date was told apart: the migration keeps those periods out of every recompute."""
    migration = importlib.import_module("reporting.migrations.0008_reportingperiod_dates_by_hand")
    computed = services.period_get_or_create(year - 1, 11)
    by_hand = services.period_get_or_create(year - 1, 12)
    ReportingPeriod.objects.filter(pk=by_hand.pk).update(
        lock_date=by_hand.lock_date + datetime.timedelta(days=10)
    )
    ReportingPeriod.objects.update(dates_set_by_hand=False)
    migration.mark_dates_set_by_hand(apps, None)
    assert not ReportingPeriod.objects.get(pk=computed.pk).dates_set_by_hand
    assert ReportingPeriod.objects.get(pk=by_hand.pk).dates_set_by_hand


# --- dates already passed, dates that would fall before today (issue 14 review, 2) -----------


def add_workday(client, day: datetime.date, note="调休上班"):
    return client.post(
        reverse("admin:reporting_calendaroverride_add"),
        {"date": day.isoformat(), "is_working_day": "on", "note": note},
        follow=True,
    )


def test_a_deadline_that_has_passed_stays_while_the_lock_date_may_still_move(admin_client):
    """Between November's deadline (12-07) and its lock date (12-14) a holiday is added before
    the deadline: the deadline the updates were judged by stays (moved to 12-08 it would make
    an update filed late on 12-08 on time), and the admin is told it was kept and why. A
    holiday after the deadline still moves the lock date, counted from the deadline kept."""
    client = admin_client(D(2026, 12, 8))
    november = services.period_get_or_create(2026, 11)
    assert (november.deadline, november.lock_date) == (D(2026, 12, 7), D(2026, 12, 14))

    response = add_holiday(client, D(2026, 12, 3), "补录")

    november.refresh_from_db()
    assert (november.deadline, november.lock_date) == (D(2026, 12, 7), D(2026, 12, 14))
    # Only the statistics analysis deadline, not yet passed (12-10), moves with the holiday.
    assert november.analysis_deadline == D(2026, 12, 11)
    [entry] = history(november)
    assert entry.get_change_message().endswith("：统计分析截止 2026-12-10 → 2026-12-11")
    shown = " ".join(messages_of(response))
    assert "2026年11月：截止 12月7日 保留（按调整后的日历应为 12月8日，已过" in shown
    assert "2026年11月：截止 12月7日 →" not in shown

    response = add_holiday(client, D(2026, 12, 10), "补录")

    november.refresh_from_db()
    assert (november.deadline, november.lock_date) == (D(2026, 12, 7), D(2026, 12, 15))
    shown = " ".join(messages_of(response))
    assert "2026年11月：锁定 12月14日 → 12月15日" in shown
    assert "2026年11月：截止 12月7日 保留" in shown
    entry = history(november)[-1]
    assert "锁定 2026-12-14 → 2026-12-15" in entry.get_change_message()
    assert "统计分析截止 2026-12-11 → 2026-12-14" in entry.get_change_message()
    assert "截止 2026-12-07" not in entry.get_change_message()


def test_no_date_moves_to_a_day_before_today(admin_client):
    """The reviewer's case, on 2026-12-06: 2026-12-05 (a Saturday, already past) added as a
    make-up working day would make it November's fifth working day. The deadline stays on
    12-07 and the lock date with it; the admin is told why."""
    client = admin_client(D(2026, 12, 6))
    november = services.period_get_or_create(2026, 11)
    assert (november.deadline, november.lock_date) == (D(2026, 12, 7), D(2026, 12, 14))

    response = add_workday(client, D(2026, 12, 5))

    november.refresh_from_db()
    assert (november.deadline, november.lock_date) == (D(2026, 12, 7), D(2026, 12, 14))
    shown = " ".join(messages_of(response))
    assert "以下日期未随日历调整，保留原日期" in shown
    assert "2026年11月：截止 12月7日 保留（按调整后的日历应为 12月5日，早于今天" in shown
    # The statistics analysis deadline, counted to a day still ahead (12-09), does move.
    assert november.analysis_deadline == D(2026, 12, 9)
    assert "2026年11月：统计分析截止 12月10日 → 12月9日" in shown
    [entry] = history(november)
    assert entry.get_change_message().endswith("：统计分析截止 2026-12-10 → 2026-12-09")


def test_a_lock_date_is_not_moved_before_today_either(admin_client):
    """On November's lock date (12-14), a make-up working day on Saturday 12-12 would put the
    lock date on 12-12 itself, two days ago: it stays, so the updates can still be filed today."""
    client = admin_client(D(2026, 12, 14))
    november = services.period_get_or_create(2026, 11)
    assert november.lock_date == D(2026, 12, 14)

    response = add_workday(client, D(2026, 12, 12))

    november.refresh_from_db()
    assert (november.deadline, november.lock_date) == (D(2026, 12, 7), D(2026, 12, 14))
    assert "2026年11月：锁定 12月14日 保留（按调整后的日历应为 12月12日，早于今天" in " ".join(
        messages_of(response)
    )
