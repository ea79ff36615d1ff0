"""The statistics bureau's monthly analysis (issue 16, item 5): its deadline on working days,
who writes and who reads it, its history and refused concurrent saves, its arrival on the
dashboard, its place in the monthly report, and the reminders to statistics staff."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Notification
from chains.models import FigureImport, Industry
from reporting.analysis import reminders, selectors, services
from reporting.analysis.models import AnalysisEventKind
from reporting.models import (
    AnalysisEvent,
    CalendarOverride,
    Reminder,
    ReportingPeriod,
    StatisticsAnalysis,
)
from reporting.periods import calendar_io
from reporting.periods import services as periods_services
from reporting.periods.workdays import WorkCalendar
from reporting.reports.gather import gather
from reporting.reports.render import report_html

D = datetime.date
CL = "commerce-logistics"
EI = "electronic-information"


@pytest.fixture
def stats(users):
    """The statistics bureau's writer, with a name the report prints."""
    user = users["stats"]
    user.first_name = "王统计"
    user.save(update_fields=["first_name"])
    return user


def send(period, user, text="本月产值平稳增长。", industry=None, version=0):
    return services.analysis_save(
        period=period, industry=industry, text=text, expected_version=version, user=user
    )


def edit_url(period, scope="city"):
    return reverse("analysis:edit", args=[period.slug, scope])


# --- the deadline ----------------------------------------------------------------------------


def test_the_deadline_is_the_eighth_working_day_of_the_next_month(september):
    # October 2025: 1–8 October are the National Day holidays and Saturday 11 October is a
    # make-up working day, so the 8th working day is Friday 17 October (Monday to Friday alone
    # would say 10 October).
    assert september.analysis_deadline == D(2025, 10, 17)
    assert september.deadline < september.analysis_deadline < september.lock_date
    assert WorkCalendar().analysis_deadline(2025, 9) == D(2025, 10, 17)


def test_a_period_created_with_the_units_dates_only_gets_the_calendars(db):
    period = ReportingPeriod.objects.create(
        year=2025, month=9, deadline=D(2025, 10, 14), lock_date=D(2025, 10, 21)
    )
    assert period.analysis_deadline == D(2025, 10, 17)


def test_a_calendar_change_moves_the_deadline_but_not_one_set_by_hand(september, users, clock):
    august = periods_services.period_get_or_create(2025, 8)
    ReportingPeriod.objects.filter(pk=august.pk).update(
        analysis_deadline=D(2025, 10, 16), dates_set_by_hand=True, lock_date=D(2025, 10, 20)
    )
    before = WorkCalendar()
    CalendarOverride.objects.create(date=D(2025, 10, 13), is_working_day=False, note="测试")
    calendar_io.periods_recompute(user=users["admin"], reason="测试", before=before)
    september.refresh_from_db()
    august.refresh_from_db()
    assert september.analysis_deadline == D(2025, 10, 20)  # one working day later
    assert august.analysis_deadline == D(2025, 10, 16)  # the administrator's


def test_a_deadline_within_the_month_it_analyses_is_refused(september):
    september.analysis_deadline = D(2025, 9, 30)
    with pytest.raises(ValidationError) as refused:
        september.full_clean()
    assert "analysis_deadline" in refused.value.message_dict


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,month,edit,history",
    [
        ("gxj", 403, 403, 403),  # a lead unit
        ("siming", 403, 403, 403),  # a district
        ("drc", 200, 403, 200),  # reads everything, writes none
        ("leader_huang_yt", 200, 403, 200),  # leads 商贸物流
        ("admin", 200, 403, 200),  # runs the system, writes no content
        ("stats", 200, 200, 200),
    ],
)
def test_who_reads_and_who_writes(client, users, september, role, month, edit, history):
    client.force_login(users[role])
    assert client.get(reverse("analysis:month", args=[september.slug])).status_code == month
    assert client.get(edit_url(september, CL)).status_code == edit
    assert client.get(reverse("analysis:history", args=[september.slug, CL])).status_code == history
    home = client.get(reverse("analysis:home"))
    assert home.status_code == (302 if month == 200 else 403)


@pytest.mark.parametrize("role", ["gxj", "siming", "drc", "leader_huang_yt", "admin"])
def test_only_statistics_staff_send_an_analysis(client, users, september, role):
    client.force_login(users[role])
    response = client.post(edit_url(september, CL), {"text": "越权写入", "version": 0})
    assert response.status_code == 403
    assert not StatisticsAnalysis.objects.exists()
    with pytest.raises(PermissionDenied):  # the service refuses too, whoever calls it
        send(september, users[role])
    assert not StatisticsAnalysis.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client, september):
    for url in (
        reverse("analysis:home"),
        reverse("analysis:month", args=[september.slug]),
        edit_url(september),
        reverse("analysis:history", args=[september.slug, "city"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.post(edit_url(september), {"text": "x", "version": 0}).status_code == 302
    assert not StatisticsAnalysis.objects.exists()


def test_a_city_leader_reads_only_his_industries_analyses(client, users, stats, september):
    send(september, stats, "电子信息的分析", industry=Industry.objects.get(code=EI))
    send(september, stats, "商贸物流的分析", industry=Industry.objects.get(code=CL))
    client.force_login(users["leader_huang_yt"])  # 黄燕添 leads 商贸物流 only
    page = client.get(reverse("analysis:month", args=[september.slug])).content.decode()
    assert "商贸物流的分析" in page and "电子信息的分析" not in page
    assert client.get(reverse("analysis:history", args=[september.slug, EI])).status_code == 403


def test_an_unknown_month_or_industry_is_not_found(client, stats, september):
    client.force_login(stats)
    assert client.get(reverse("analysis:month", args=["2031-01"])).status_code == 404
    assert client.get(edit_url(september, "no-such-industry")).status_code == 404


# --- writing, history and concurrent edits ---------------------------------------------------


def test_sending_and_revising_keep_every_text_in_the_history(client, stats, september, clock):
    clock.set(datetime.datetime(2025, 10, 15, 16, 30))
    client.force_login(stats)
    response = client.post(edit_url(september, CL), {"text": "初稿：营收增长5%。", "version": 0})
    assert response.status_code == 302
    analysis = StatisticsAnalysis.objects.get(period=september, industry__code=CL)
    assert (analysis.version, analysis.author, analysis.text) == (1, stats, "初稿：营收增长5%。")
    response = client.post(edit_url(september, CL), {"text": "修订：营收增长5.2%。", "version": 1})
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert (analysis.version, analysis.text) == (2, "修订：营收增长5.2%。")
    assert timezone.localtime(analysis.first_submitted_at).date() == D(2025, 10, 15)
    events = list(AnalysisEvent.objects.filter(analysis=analysis).order_by("id"))
    assert [(e.kind, e.version, e.text) for e in events] == [
        (AnalysisEventKind.SUBMITTED, 1, "初稿：营收增长5%。"),
        (AnalysisEventKind.REVISED, 2, "修订：营收增长5.2%。"),
    ]
    history = client.get(reverse("analysis:history", args=[september.slug, CL])).content.decode()
    assert "初稿：营收增长5%。" in history and "修订：营收增长5.2%。" in history


def test_a_stale_version_is_refused_and_its_text_kept(client, stats, make_user, september):
    colleague = make_user("tj2", role=Role.STATISTICS, unit="市统计局")
    send(september, stats, "第一版")
    send(september, colleague, "同事的修订", version=1)
    client.force_login(stats)
    response = client.post(edit_url(september), {"text": "我基于第一版的修改", "version": 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "同事的修订" in page and "我基于第一版的修改" in page  # theirs shown, mine kept
    analysis = StatisticsAnalysis.objects.get(period=september, industry=None)
    assert (analysis.text, analysis.version, analysis.author) == ("同事的修订", 2, colleague)
    kept = AnalysisEvent.objects.get(analysis=analysis, kind=AnalysisEventKind.CONFLICT_KEPT)
    assert (kept.actor, kept.text) == (stats, "我基于第一版的修改")
    # A second "first" analysis of the same month is refused the same way.
    with pytest.raises(services.ConcurrentEditError):
        send(september, stats, "另一篇城市总体分析", version=0)
    assert StatisticsAnalysis.objects.filter(period=september, industry=None).count() == 1


def test_an_empty_text_or_a_month_not_over_is_refused(client, stats, september, clock):
    client.force_login(stats)
    response = client.post(edit_url(september), {"text": "   ", "version": 0})
    assert response.status_code == 400
    october = periods_services.period_get_or_create(2025, 10)  # the clock: 9 October
    response = client.post(edit_url(october), {"text": "十月的分析", "version": 0})
    assert response.status_code == 400
    assert "尚未结束" in response.content.decode()
    assert not StatisticsAnalysis.objects.exists() and not AnalysisEvent.objects.exists()


def test_the_service_checks_the_text_and_a_version_never_sent(client, stats, september):
    with pytest.raises(ValidationError, match="请填写"):
        send(september, stats, "  \n ")
    with pytest.raises(ValidationError, match="统计分析过长"):
        send(september, stats, "长" * (services.MAX_LENGTH + 1))
    client.force_login(stats)  # a version of an analysis nobody sent: refused, nothing written
    assert client.post(edit_url(september), {"text": "分析", "version": 5}).status_code == 409
    assert not StatisticsAnalysis.objects.exists() and not AnalysisEvent.objects.exists()


def test_sending_the_same_text_again_makes_no_new_version(stats, september):
    first = send(september, stats, "同一段分析")
    again = send(september, stats, "同一段分析", version=1)
    assert again.version == first.version == 1
    assert AnalysisEvent.objects.count() == 1


def test_unit_staff_read_no_industry(users):
    from reporting.analysis.access import readable_industries

    assert not readable_industries(users["gxj"]).exists()
    assert list(readable_industries(users["leader_huang_yt"]).values_list("code", flat=True)) == [
        CL
    ]


# --- the dashboard -----------------------------------------------------------------------------


def test_the_dashboard_says_nothing_has_arrived(client, users, september, clock):
    clock.set(D(2025, 10, 20))  # past the analysis deadline (17 October)
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), {"month": september.slug})
    status = response.context["dash"]["analysis"]
    assert status.figures is None and status.received == 0
    assert status.city.state == "missing"
    page = response.content.decode()
    assert 'data-figures="missing"' in page and "尚未导入" in page
    assert 'data-analysis="city"' in page and 'data-state="missing"' in page


def test_the_dashboard_shows_the_figures_and_the_analysis_arrived(
    client, users, stats, september, clock
):
    clock.set(datetime.datetime(2025, 10, 16, 11, 0))
    FigureImport.objects.create(
        kind="industry_figures",
        status="applied",
        original_name="9月.xlsx",
        sha256="0" * 64,
        months=["2025-09"],
        uploaded_by=stats,
        applied_at=timezone.now(),
        file="statistics/none.xlsx",
    )
    send(september, stats, "全市产值平稳增长。")
    send(september, stats, "商贸物流营收增长。", industry=Industry.objects.get(code=CL))
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), {"month": september.slug})
    status = response.context["dash"]["analysis"]
    assert status.figures is not None and status.received == 2
    assert status.city.state == "on_time" and status.city.analysis.author == stats
    rows = {row.scope: row for row in status.rows}
    assert rows[CL].state == "on_time" and rows[EI].state == "not_due"
    page = response.content.decode()
    assert 'data-figures="arrived"' in page and "王统计" in page and "2025-10-16 11:00" in page


def test_on_the_deadline_day_it_is_not_yet_overdue_and_sending_is_on_time(
    client, stats, september, clock
):
    clock.set(datetime.datetime(2025, 10, 17, 17, 30))  # the deadline, late in the day
    client.force_login(stats)
    url = reverse("analysis:month", args=[september.slug])
    assert client.get(url).context["status"].city.state == "not_due"
    send(september, stats, "截止当日报送的分析")
    assert client.get(url).context["status"].city.state == "on_time"


def test_the_months_status_takes_two_queries_whatever_the_data(
    stats, september, clock, django_assert_num_queries
):
    industries = list(Industry.objects.all())
    with django_assert_num_queries(2):
        selectors.month_status(september, industries, D(2025, 10, 20))
    clock.set(D(2025, 10, 16))
    for record in range(3):
        FigureImport.objects.create(
            kind="industry_figures",
            status="applied",
            original_name=f"{record}.xlsx",
            sha256="0" * 64,
            months=["2025-08", "2025-09"],
            uploaded_by=stats,
            applied_at=timezone.now(),
            file="statistics/none.xlsx",
        )
    send(september, stats, "城市总体")
    for industry in industries:
        send(september, stats, industry.name, industry=industry)
    with django_assert_num_queries(2):
        status = selectors.month_status(september, industries, D(2025, 10, 20))
        assert {row.analysis.author.unit.name for row in status.rows} == {"市统计局"}
    assert status.received == status.expected == 15 and status.figures is not None


def test_the_month_page_judges_a_late_analysis_late(client, stats, september, clock):
    clock.set(D(2025, 10, 20))
    send(september, stats, "迟到的分析")
    client.force_login(stats)
    response = client.get(reverse("analysis:month", args=[september.slug]))
    assert response.context["status"].city.state == "late"
    assert 'data-state="late"' in response.content.decode()


# --- the monthly report ------------------------------------------------------------------------


def test_the_monthly_report_carries_the_analysis_under_its_authors_name(
    stats, september, indicators, clock
):
    clock.set(datetime.datetime(2025, 10, 16, 15, 5))
    send(september, stats, "全市重点产业产值同比增长6.2%。\n电子信息贡献最大。")
    send(september, stats, "商贸物流营收增长。", industry=Industry.objects.get(code=CL))
    data = gather("monthly", 2025, 9)
    city = data["statistics_analysis"]["city"]
    assert city["text"].startswith("全市重点产业产值同比增长6.2%。")
    assert city["byline"] == "统计部门：市统计局 · 王统计 · 2025年10月16日 15:05"
    industries = {i["code"]: i for c in data["categories"] for i in c["industries"]}
    assert industries[CL]["analysis"]["text"] == "商贸物流营收增长。"
    assert industries[EI]["analysis"] is None
    html = report_html(data)
    assert "统计部门：市统计局 · 王统计 · 2025年10月16日 15:05" in html
    assert "电子信息贡献最大。" in html
    assert "统计部门分析：</b>本月统计分析未报送。" in html  # 电子信息's


def test_a_month_without_analysis_says_so_plainly(september, indicators, clock):
    data = gather("monthly", 2025, 9)
    assert data["statistics_analysis"]["city"] is None
    html = report_html(data)
    assert '<p class="none" id="analysis-city-missing">本月统计分析未报送。</p>' in html


def test_quarterly_and_annual_reports_are_unchanged(september, indicators, clock):
    assert "statistics_analysis" not in gather("quarterly", 2025, 3)


# --- reminders ---------------------------------------------------------------------------------


def notices(user):
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


@pytest.mark.parametrize(
    "day,step",
    [
        (D(2025, 10, 14), "before"),  # three working days ahead
        (D(2025, 10, 17), "due_today"),
        (D(2025, 10, 20), "overdue"),
    ],
)
def test_statistics_staff_are_reminded_once_per_step(users, stats, september, clock, day, step):
    clock.set(day)
    assert reminders.send_analysis_reminders() == 1
    assert reminders.send_analysis_reminders() == 0  # the task runs again: nothing twice
    [reminder] = Reminder.objects.filter(key__contains="statistics-analysis")
    assert (reminder.step, reminder.recipients) == (step, 1)
    [text] = notices(stats)
    assert "2025年9月统计分析" in text and "城市总体" in text
    assert not notices(users["gxj"]) and not notices(users["drc"])


def test_no_reminder_too_early_or_once_everything_is_in(stats, september, clock):
    clock.set(D(2025, 10, 10))  # five working days ahead
    assert reminders.send_analysis_reminders() == 0
    periods_services.period_get_or_create(2025, 10)  # not over: nothing to remind of yet
    clock.set(D(2025, 10, 31))
    assert reminders.send_analysis_reminders() == 1  # September's, overdue; not October's
    assert Reminder.objects.get().key == "2025-09:statistics-analysis:overdue"
    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    clock.set(D(2025, 10, 16))
    send(september, stats, "城市总体分析")
    for industry in Industry.objects.all():
        send(september, stats, f"{industry.name}分析", industry=industry)
    clock.set(D(2025, 10, 20))
    assert reminders.send_analysis_reminders() == 0
    assert not notices(stats)


def test_the_reminder_names_only_what_is_missing(stats, september, clock):
    clock.set(D(2025, 10, 16))
    send(september, stats, "城市总体分析")
    for industry in Industry.objects.exclude(code=CL):
        send(september, stats, f"{industry.name}分析", industry=industry)
    clock.set(D(2025, 10, 20))
    assert reminders.send_analysis_reminders() == 1
    [text] = notices(stats)
    assert "仍未报送：商贸物流产业集群。" in text
