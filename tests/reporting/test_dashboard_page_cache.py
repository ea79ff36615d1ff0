"""Issue 20: the dashboard's whole page is kept for one user's session (portal.pagecache) and
sent again without running the view, only to that user and browser, only while nothing it shows
has changed: the reporting, the matrix, the months, the reports, the header's notifications and
the account itself."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from chains.models import Industry
from portal import pagecache
from reporting.choices import UpdateStatus
from reporting.models import MonthlyUpdate
from reporting.periods import services as periods_services
from reporting.reports import services as reports
from reporting.updates import services
from tests.reporting.test_dashboard import file, filed  # noqa: F401 (a fixture)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def received(page: str) -> int:
    return int(re.search(r"已报 <strong>(\d+)</strong>", page).group(1))


@pytest.fixture
def drc(client, users):
    client.force_login(users["drc"])
    return client


def visit(client, month) -> tuple[str, list[str]]:
    """The page, and the tables its request read."""
    with CaptureQueriesContext(connection) as read:
        response = client.get(reverse("dashboard"), {"month": month.slug})
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in read.captured_queries]


def test_a_second_visit_is_sent_from_the_cache_without_the_view(drc, filed):  # noqa: F811
    first, _ = visit(drc, filed)  # made; sets the CSRF cookie, so not kept
    made, _ = visit(drc, filed)  # made and kept
    again, queries = visit(drc, filed)
    assert TOKEN.sub("", again) == TOKEN.sub("", made) == TOKEN.sub("", first)
    assert received(again) == 4
    # The user, the month asked for and the unread notifications the header shows: nothing of
    # what the page shows is read.
    assert len(queries) <= 4, queries
    read = {table for sql in queries for table in re.findall(r'FROM "(\w+)"', sql)}
    assert read <= {"accounts_user", "reporting_reportingperiod", "accounts_notification"}, read


def test_a_submission_is_shown_at_the_next_visit(
    drc,
    users,
    filed,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    for _ in range(2):
        before, _ = visit(drc, filed)
    draft = MonthlyUpdate.objects.get(unit__name="市交通局")
    jtj = users["swj"].__class__.objects.get(username="jtj")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_submit(update=draft, user=jtj, expected_version=draft.version)
    # The DRC read its notice of the submission: the header is as before, the counts are not.
    Notification.objects.filter(user=users["drc"]).update(read_at=timezone.now())
    after, queries = visit(drc, filed)
    assert received(after) == received(before) + 1
    assert any("reporting_monthlyupdate" in sql for sql in queries)  # made again


def test_each_user_and_each_browser_gets_its_own_page(users, filed, make_user):  # noqa: F811
    other_drc = make_user("drc2", role=users["drc"].role, unit="市发改委", first_name="林")
    pages = {}
    for name, user in (("drc", users["drc"]), ("drc2", other_drc), ("drc-phone", users["drc"])):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        for _ in range(3):
            page, _ = visit(browser, filed)
        pages[name] = (browser, page)
    assert '<span class="whoami">林' in pages["drc2"][1]
    assert '<span class="whoami">林' not in pages["drc"][1]
    # Logging in again gives the browser a new CSRF secret, so a page of its own.
    again = pages["drc"][0]
    again.force_login(users["drc"])
    for _ in range(3):
        page, _ = visit(again, filed)
    pages["drc-again"] = (again, page)
    # Each browser's kept page carries a token for its own CSRF cookie: logging out works.
    for name, (browser, page) in pages.items():
        token = TOKEN.search(page).group(1)
        response = browser.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302, name


def test_the_month_shown_by_default_follows_the_updates_waiting(
    client,
    users,
    filed,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Without ?month= the dashboard opens on the newest month with updates waiting for
    review, whatever the industry: a city leader's page moves on when another industry's
    update arrives, though nothing of his own industries changed."""
    august = periods_services.period_get_or_create(2025, 8)
    gxj, new_energy = users["gxj"], Industry.objects.get(code="new-energy")
    MonthlyUpdate.objects.create(
        industry=new_energy,
        unit=gxj.unit,
        period=august,
        status=UpdateStatus.SUBMITTED,
        first_submitted_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        for update in MonthlyUpdate.objects.filter(period=filed, status=UpdateStatus.SUBMITTED):
            services.update_accept(update=update, user=users["drc"])
    client.force_login(users["leader_huang_yt"])  # leads 商贸物流 only
    for _ in range(3):
        page = client.get(reverse("dashboard")).content.decode()
    assert "<h1>工作看板 · 2025年8月</h1>" in page
    with django_capture_on_commit_callbacks(execute=True):
        update = services.update_start(industry=new_energy, unit=gxj.unit, period=filed, user=gxj)
        file(update, gxj, on=datetime.date(2025, 10, 15))
    Notification.objects.update(read_at=timezone.now())
    page = client.get(reverse("dashboard")).content.decode()
    assert "<h1>工作看板 · 2025年9月</h1>" in page


def test_the_header_and_the_account_are_never_stale(drc, users, filed):  # noqa: F811
    for _ in range(2):
        page, _ = visit(drc, filed)
    assert 'class="notes-link"' in page and '<span class="count">' not in page
    Notification.objects.create(user=users["drc"], text="新的督办事项")
    page, _ = visit(drc, filed)
    assert '<span class="count">1</span>' in page
    users["drc"].first_name = "陈"
    users["drc"].save()
    page, _ = visit(drc, filed)
    assert '<span class="whoami">陈' in page


def test_the_annual_report_line_follows_the_reports(
    drc,
    users,
    filed,  # noqa: F811
    clock,
    django_capture_on_commit_callbacks,
):
    clock.set(datetime.date(2026, 1, 12))  # the annual report for 2025 is due on 31 January
    for _ in range(2):
        page, _ = visit(drc, filed)
    assert "尚未生成" in page
    job, _created = reports.report_request(
        period=reports.parse_period("annual", "2025"), user=users["drc"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        draft = reports.job_run(job.pk)
    page, _ = visit(drc, filed)
    assert "尚未生成" not in page and "草稿编辑中" in page
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_finalise(
            report=draft, user=users["drc"], expected_version=draft.edit_version
        )
    page, _ = visit(drc, filed)
    assert "草稿编辑中" not in page and "已定稿（第 1 版）" in page


def test_a_page_with_messages_is_made_and_not_kept(users):
    request = RequestFactory().get("/dashboard/")
    request.user = users["drc"]
    request.session = SessionStore()
    request.META["CSRF_COOKIE"] = "a" * 32
    request._messages = FallbackStorage(request)
    assert pagecache.entry_key(request, "dashboard", (datetime.date(2025, 10, 16), 0)) is not None
    request._messages.add(20, "已保存。")
    assert pagecache.entry_key(request, "dashboard", (datetime.date(2025, 10, 16), 0)) is None
    assert [str(m) for m in get_messages(request)] == ["已保存。"]  # still there to be shown
    del request.META["CSRF_COOKIE"]
    request._messages = FallbackStorage(request)
    assert pagecache.entry_key(request, "dashboard", (datetime.date(2025, 10, 16), 0)) is None


def test_a_page_with_other_query_parameters_is_made_and_not_kept(drc, filed):  # noqa: F811
    """?month=…&x=1, ?x=2 … would each keep a whole page: made every time instead."""
    for _ in range(3):
        page = drc.get(reverse("dashboard"), {"month": filed.slug, "x": "1"})
        assert page.status_code == 200 and received(page.content.decode()) == 4
        assert page.context is not None  # the view ran, every time


def test_the_parts_are_keyed_on_the_versions_read_before_the_month(filed):  # noqa: F811
    """A write between the reads of the month (or the matrix) and of the parts' versions is
    never kept under its new versions: the parts take the versions read first."""
    from portal.dataversion import topics
    from reporting.dashboard.parts import Overview

    overview = Overview(
        period=filed,
        months=[filed],
        industries=Industry.objects.all(),
        district=None,
        everything=True,
        today=datetime.date(2025, 10, 16),
        key="k",
        read_before={topics.MATRIX: 1, topics.PERIODS: 2, topics.REPORTS: 3},
    )
    assert overview.versions[topics.MATRIX] == 1 and overview.versions[topics.PERIODS] == 2
    assert topics.REPORTS not in overview.versions  # only the parts' own topics
