"""Deadlines in a year the holiday calendar does not know are shown as provisional (暂定)
wherever they appear, the administrator is warned, and importing that year's holidays
(日历调整, a csv) makes the year known and moves the deadlines the calendar computed — never
one an administrator set."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Notification
from chains.models import Industry, Unit
from reporting.models import CalendarOverride, CalendarYear, ReportingPeriod
from reporting.periods import calendar_io
from reporting.periods import services as periods_services
from reporting.periods.admin import CalendarImportForm
from reporting.periods.workdays import WorkCalendar
from reporting.updates import services
from reporting.updates.reminders import send_due_reminders
from tests.reporting.test_workdays import first_weekday, unknown_year

D = datetime.date


def holidays_csv(year: int, encoding="utf-8") -> bytes:
    """The unknown year's 元旦 on its first weekday, as an administrator would type it."""
    day = first_weekday(year)
    return f"date,kind,note\n{day:%Y-%m-%d},holiday,元旦\n{year}-10-01,holiday,国庆节\n".encode(
        encoding
    )


WARNING = re.compile(r"节假日安排未知：([\d、]+) 年的法定节假日和调休尚未完整录入")


def warned_years(html: str) -> set[int]:
    """The years the 报送期次 admin warns are unknown (today's may be among them)."""
    match = WARNING.search(html)
    return {int(y) for y in match.group(1).split("、")} if match else set()


@pytest.fixture
def year():
    return unknown_year()


@pytest.fixture
def december(db, clock, year):
    """December of the last known year: due on the 5th working day of January of `year`; the
    clock on 1 December, before its lock date (a period past it never moves)."""
    clock.set(D(year - 1, 12, 1))
    return periods_services.period_get_or_create(year - 1, 12)


def test_the_import_makes_the_year_known_and_moves_only_the_calendars_dates(users, year, december):
    november = periods_services.period_get_or_create(year - 1, 11)
    assert december.provisional.deadline
    guessed = december.deadline
    # An administrator fixed another month of that year by hand: it must stay.
    january = periods_services.period_get_or_create(year, 1)
    set_by_hand = D(year, 2, 26)
    ReportingPeriod.objects.filter(pk=january.pk).update(
        deadline=set_by_hand, lock_date=D(year, 3, 5), dates_set_by_hand=True
    )

    rows = calendar_io.parse_csv(holidays_csv(year))
    result = calendar_io.calendar_overrides_import(rows=rows, whole_years=True, user=users["admin"])

    assert (result.added, result.changed, result.years, result.declared) == (2, 0, [year], [year])
    # The administrator said the file holds the year's whole calendar.
    assert CalendarYear.objects.filter(year=year).exists()
    december.refresh_from_db()
    december = ReportingPeriod.objects.get(pk=december.pk)
    # 元旦 is no longer counted as a working day: the deadline moves one working day on.
    assert december.deadline == WorkCalendar().add_working_days(guessed, 1)
    assert not december.provisional
    assert december.lock_date == WorkCalendar().add_working_days(december.deadline, 5)
    assert ReportingPeriod.objects.get(pk=january.pk).deadline == set_by_hand
    assert ReportingPeriod.objects.get(pk=november.pk).deadline == november.deadline
    # Importing the same file again changes nothing.
    again = calendar_io.calendar_overrides_import(
        rows=calendar_io.parse_csv(holidays_csv(year)), whole_years=True, user=users["admin"]
    )
    assert (again.added, again.changed, again.unchanged, again.moved) == (0, 0, 2, [])


def test_a_partial_file_declares_no_year_complete_unless_the_administrator_says_so(
    make_user, year, december
):
    """A one-line correction, or last year's file holding the next year's 元旦, is not a year's
    calendar: the dates move but the years stay provisional. Ticked, only the years the
    package does not know are declared (a known year's calendar is the package's)."""
    admin = make_user("root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    data = f"date,kind,note\n{year - 1}-12-31,holiday,调整\n{year + 1}-01-01,holiday,元旦\n"
    result = calendar_io.calendar_overrides_import(
        rows=calendar_io.parse_csv(data.encode()), user=admin
    )
    assert not CalendarYear.objects.exists()
    assert (result.added, result.years, result.declared) == (2, [year - 1, year + 1], [])
    assert ReportingPeriod.objects.get(pk=december.pk).provisional

    result = calendar_io.calendar_overrides_import(
        rows=calendar_io.parse_csv(data.encode()), whole_years=True, user=admin
    )
    assert result.declared == [year + 1]
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [year + 1]
    assert ReportingPeriod.objects.get(pk=december.pk).provisional  # `year` is still unknown


def test_a_bad_file_writes_nothing_and_names_every_bad_row(db, year):
    data = (
        "date,kind,note\n"
        f"{year}-01-01,holiday,元旦\n"
        f"{year}-02-30,holiday,\n"
        f"{year}-02-07,上班吧,\n"
        f"{year}-01-01,workday,重复\n"
    ).encode()
    with pytest.raises(calendar_io.CalendarFileError) as refused:
        calendar_io.parse_csv(data)
    errors = refused.value.errors
    assert errors[0].startswith("第 3 行：")
    assert "无法识别" in errors[0]
    assert errors[1].startswith("第 4 行：") and "holiday" in errors[1]
    assert errors[2].startswith("第 5 行：") and "与第 2 行重复" in errors[2]
    assert not CalendarOverride.objects.exists()
    with pytest.raises(calendar_io.CalendarFileError, match="表头"):
        calendar_io.parse_csv(b"day,type\n2027-01-01,holiday\n")


class UnreadableUpload(SimpleUploadedFile):
    """A large upload that must be refused on its size alone, never read into memory."""

    def read(self, *args, **kwargs):
        raise AssertionError("the file was read before its size was checked")

    def chunks(self, *args, **kwargs):
        raise AssertionError("the file was read before its size was checked")


def test_a_file_over_1_mb_is_refused_by_its_size_without_being_read(db):
    upload = UnreadableUpload("2027.csv", b"date,kind\n", "text/csv")
    upload.size = calendar_io.MAX_BYTES + 1
    form = CalendarImportForm(data={}, files={"file": upload})
    assert not form.is_valid()
    assert form.errors["file"] == ["文件过大：日历调整文件不应超过 1 MB。"]


def test_a_gb18030_file_with_chinese_headers_and_kinds(db, year):
    data = f"日期,类型,备注\n{year}年1月1日,休,元旦\n{year}/2/6,班,春节调休\n".encode("gb18030")
    rows = calendar_io.parse_csv(data)
    assert [(r.date, r.is_working_day, r.note) for r in rows] == [
        (D(year, 1, 1), False, "元旦"),
        (D(year, 2, 6), True, "春节调休"),
    ]


def test_pages_and_reminders_mark_the_deadline_provisional(
    users, client, clock, year, december, django_capture_on_commit_callbacks
):
    clock.set(D(year, 1, 2))
    gxj, drc = users["gxj"], users["drc"]
    update = services.update_start(
        industry=Industry.objects.get(code="electronic-information"),
        unit=Unit.objects.get(name="市工信局"),
        period=december,
        user=gxj,
    )
    pages = {
        "due": (gxj, reverse("reporting:due")),
        "update form": (gxj, reverse("reporting:edit", args=[update.pk])),
        "review queue": (drc, f"{reverse('reporting:review_queue')}?period={december.slug}"),
        "dashboard": (drc, f"{reverse('dashboard')}?month={december.slug}"),
        "plan progress": (gxj, reverse("reporting:plan_progress", args=[december.slug])),
    }

    def marked(name):
        user, url = pages[name]
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, name
        return "暂定" in response.content.decode()

    assert [name for name in pages if not marked(name)] == []
    # The reminder before the deadline says the date may move.
    send_due_reminders(december.deadline - datetime.timedelta(days=1))
    text = Notification.objects.filter(user=gxj).values_list("text", flat=True).first()
    assert "暂定" in text and str(year) in text

    # Committed as in service: the pages cached before the import (My work) are keyed on the
    # calendar's version, which the commit raises.
    with django_capture_on_commit_callbacks(execute=True):
        calendar_io.calendar_overrides_import(
            rows=calendar_io.parse_csv(holidays_csv(year)), whole_years=True, user=users["admin"]
        )
    assert [name for name in pages if marked(name)] == []


def test_the_admin_is_warned_and_imports_the_year(users, client, year, december):
    client.force_login(users["admin"])
    periods = reverse("admin:reporting_reportingperiod_changelist")
    html = client.get(periods).content.decode()
    assert year in warned_years(html)
    import_url = reverse("admin:reporting_calendaroverride_import")
    assert import_url in html
    assert (
        import_url
        in client.get(reverse("admin:reporting_calendaroverride_changelist")).content.decode()
    )

    page = client.get(import_url).content.decode()
    assert f'<div class="breadcrumbs"><a href="{reverse("admin:index")}">首页</a>' in page
    assert "导入的是全年节假日安排（导入后该年度不再标为暂定）" in page
    assert f"（{year} 年及以后）" in page

    big = SimpleUploadedFile("2027.csv", b"date,kind\n" + b" " * calendar_io.MAX_BYTES)
    assert "文件过大" in client.post(import_url, {"file": big}).content.decode()
    bad = SimpleUploadedFile("2027.csv", f"date,kind\n{year}-13-01,holiday\n".encode())
    response = client.post(import_url, {"file": bad})
    assert response.status_code == 200
    assert "第 2 行" in response.content.decode()
    assert not CalendarOverride.objects.exists()

    # Unticked: the dates are imported, the year stays provisional, and the message says so.
    good = SimpleUploadedFile("2027.csv", holidays_csv(year, "gb18030"))
    response = client.post(import_url, {"file": good}, follow=True)
    assert CalendarOverride.objects.filter(date__year=year).count() == 2
    assert "已导入" in response.content.decode()
    assert f"{year} 年尚未标为已完整录入" in response.content.decode()
    assert not CalendarYear.objects.exists()
    assert ReportingPeriod.objects.get(pk=december.pk).provisional

    good = SimpleUploadedFile("2027.csv", holidays_csv(year, "gb18030"))
    response = client.post(import_url, {"file": good, "whole_years": "on"}, follow=True)
    assert f"{year} 年已标为已完整录入" in response.content.decode()
    assert CalendarYear.objects.get(year=year).completed_by == users["admin"]
    assert year not in warned_years(client.get(periods).content.decode())
    assert not ReportingPeriod.objects.get(pk=december.pk).provisional


def test_a_holiday_added_by_hand_moves_the_deadline_but_the_year_stays_provisional(
    users, client, year, december
):
    """One holiday typed in is not the year's calendar (春节 and the rest are still unknown):
    the year stays provisional until an administrator declares it complete."""
    client.force_login(users["admin"])
    guessed = december.deadline
    periods = reverse("admin:reporting_reportingperiod_changelist")
    response = client.post(
        reverse("admin:reporting_calendaroverride_add"),
        {"date": first_weekday(year).isoformat(), "is_working_day": "", "note": "元旦"},
        follow=True,
    )
    assert CalendarOverride.objects.filter(date__year=year).exists()
    assert ReportingPeriod.objects.get(pk=december.pk).deadline > guessed
    assert f"{year} 年尚未标为已完整录入" in response.content.decode()
    assert ReportingPeriod.objects.get(pk=december.pk).provisional
    assert year in warned_years(client.get(periods).content.decode())

    # Having entered the rest by hand, the administrator declares the year complete.
    response = client.post(
        reverse("admin:reporting_calendaryear_add"),
        {"year": year, "note": "按国务院办公厅通知逐条录入"},
        follow=True,
    )
    assert response.status_code == 200
    assert "已完整录入的日历年份" in response.content.decode()
    declared = CalendarYear.objects.get(year=year)
    assert declared.completed_by == users["admin"]
    assert not ReportingPeriod.objects.get(pk=december.pk).provisional
    assert year not in warned_years(client.get(periods).content.decode())


@pytest.mark.django_db(transaction=True)
def test_deleting_holidays_in_bulk_in_the_admin_moves_the_deadlines_back(
    make_user, client, clock, year
):
    """The admin's "delete selected" action is not atomic of itself: the delete and the
    recompute must be one transaction (select_for_update outside one answered 500 after the
    delete had been committed, and the deadlines stayed where the holidays had put them)."""
    clock.set(D(year - 1, 12, 1))
    admin = make_user("root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    december = periods_services.period_get_or_create(year - 1, 12)
    guessed = (december.deadline, december.lock_date)
    calendar_io.calendar_overrides_import(
        rows=calendar_io.parse_csv(holidays_csv(year)), user=admin
    )
    december.refresh_from_db()
    assert december.deadline > guessed[0]

    client.force_login(admin)
    response = client.post(
        reverse("admin:reporting_calendaroverride_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": list(
                CalendarOverride.objects.filter(date__year=year).values_list("pk", flat=True)
            ),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert not CalendarOverride.objects.exists()
    december.refresh_from_db()
    assert (december.deadline, december.lock_date) == guessed
    assert "重新计算了 1 个报送期次的日期" in response.content.decode()


def test_the_periods_admin_reads_the_calendar_once_for_all_its_rows(
    users, client, year, django_assert_max_num_queries
):
    """Every period in an unknown year shows 暂定 from one calendar, not two queries a row."""
    client.force_login(users["admin"])
    url = reverse("admin:reporting_reportingperiod_changelist")
    periods_services.period_get_or_create(year - 1, 12)
    client.get(url)  # session and permissions warm
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for month in range(1, 11):
        periods_services.period_get_or_create(year, month)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("截止日期、锁定日期") == 11
