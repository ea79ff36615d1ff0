"""The DRC's reports: the snapshot says what the data said when it was generated, a request or
a retried task gives one report, drafts are edited with a version check, finalising numbers
versions and freezes them, and only the DRC reaches a draft."""

import datetime
import os
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chains.models import Indicator, Industry, IndustryFigure
from reporting.choices import JobStatus, ReportStatus
from reporting.models import Report, ReportJob
from reporting.periods import services as periods_services
from reporting.reports import gather, schedule
from reporting.reports import services as reports
from reporting.updates import services
from tests.reporting.conftest import FULL_TEXT

SEPTEMBER = reports.Period("monthly", 2025, 9)


def industry(snapshot, code="electronic-information"):
    return next(i for c in snapshot["categories"] for i in c["industries"] if i["code"] == code)


def test_the_snapshot_compiles_accepted_updates_figures_and_the_reporting_rate(
    accepted, indicators, figures, clock
):
    clock.set(datetime.date(2025, 10, 20))
    data = gather.gather("monthly", 2025, 9)
    assert data["title"] == "厦门市“4+4+6”现代化产业体系建设2025年9月工作进展情况"
    electronics = industry(data)
    policy = next(e for e in electronics["elements"] if e["key"] == "policy")
    assert policy["entries"] == [
        {
            "unit": "市工信局",
            "update": accepted.pk,
            "month": "",
            "text": FULL_TEXT["progress_policy"],
        }
    ]
    output = next(f for f in electronics["figures"] if f["indicator"] == "工业总产值（当月）")
    assert (output["value"], output["yoy"]) == ("12345.60", "23.46")  # 12345.6 ÷ 10000 − 1
    assert data["reporting"]["received"] == 1 and data["reporting"]["expected"] > 1
    assert any(o["industry"] == "商贸物流产业集群" for o in data["overdue"])


def test_a_submitted_but_not_accepted_update_is_not_compiled(filled, users, indicators):
    services.update_submit(update=filled, user=users["gxj"], expected_version=filled.version)
    data = gather.gather("monthly", 2025, 9)
    assert all(not e["entries"] for e in industry(data)["elements"])
    assert "市工信局" in industry(data)["missing"]


def test_a_report_is_frozen_at_generation(accepted, indicators, figures, users, clock):
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    report = reports.job_run(job.pk)
    # The update is unlocked and rewritten, and a new statistics revision arrives.
    services.update_unlock(update=accepted, user=users["drc"], reason="更正")
    IndustryFigure.objects.filter(year=2025).update(value=Decimal("1"))
    report.refresh_from_db()
    policy = next(e for e in industry(report.data)["elements"] if e["key"] == "policy")
    assert policy["entries"][0]["text"] == FULL_TEXT["progress_policy"]
    assert industry(report.data)["figures"][0]["value"] == "12345.60"


def test_a_double_request_gives_one_job_and_a_rerun_one_report(accepted, indicators, users):
    first, created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    again, created_again = reports.report_request(period=SEPTEMBER, user=users["drc"])
    assert created and not created_again and first.pk == again.pk
    # Eager Celery ran the job on commit? In tests the commit hooks do not run: run it twice.
    one = reports.job_run(first.pk)
    two = reports.job_run(first.pk)
    assert one.pk == two.pk and Report.objects.count() == 1
    assert ReportJob.objects.get(pk=first.pk).status == JobStatus.DONE


def test_a_task_failing_mid_way_writes_nothing_and_its_retry_one_report(
    accepted, indicators, users, monkeypatch
):
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    real = reports.render.report_pdf

    def broken(html):
        raise OSError("disk full")

    monkeypatch.setattr(reports.render, "report_pdf", broken)
    with pytest.raises(OSError):
        reports.job_run(job.pk)
    assert not Report.objects.exists()
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.RUNNING
    monkeypatch.setattr(reports.render, "report_pdf", real)
    report = reports.job_run(job.pk)  # the retry
    assert Report.objects.get().pk == report.pk
    assert ReportJob.objects.get(pk=job.pk).attempts == 2


def test_only_the_drc_requests_reports(users, db):
    with pytest.raises(PermissionDenied):
        reports.report_request(period=SEPTEMBER, user=users["gxj"])


def test_periods_are_parsed_with_clear_messages(db):
    assert reports.parse_period("quarterly", "2025-Q3").key == "2025-Q3"
    assert reports.parse_period("annual", "2024").key == "2024"
    for kind, text in (("monthly", "2025-13"), ("monthly", "九月"), ("annual", "2999")):
        with pytest.raises(ValidationError):
            reports.parse_period(kind, text)


@pytest.fixture
def draft(accepted, indicators, figures, users):
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    return reports.job_run(job.pk)


def test_a_missing_report_pdf_answers_404_in_chinese(draft, users, client):
    final = reports.report_finalise(
        report=draft, user=users["drc"], expected_version=draft.edit_version
    )
    os.remove(final.pdf.path)  # a database restored without its media folder
    client.force_login(users["drc"])
    response = client.get(reverse("reports:pdf", args=[final.pk]))
    assert response.status_code == 404
    assert "文件本身不在服务器上" in response.content.decode()


def test_editing_a_draft_checks_the_version_and_finalising_numbers_versions(draft, users):
    edited = reports.report_edit(
        report=draft,
        user=users["drc"],
        expected_version=draft.edit_version,
        summary="9月各产业链总体运行平稳。",
        comments={"suggestions": "建议加快用地保障。"},
    )
    with pytest.raises(reports.ConcurrentReportEdit):
        reports.report_edit(
            report=draft,
            user=users["drc"],
            expected_version=draft.edit_version,
            summary="旧",
            comments={},
        )
    final = reports.report_finalise(
        report=edited, user=users["drc"], expected_version=edited.edit_version
    )
    assert (final.status, final.version) == (ReportStatus.FINAL, 1)
    with pytest.raises(ValidationError, match="已定稿"):
        reports.report_edit(
            report=final,
            user=users["drc"],
            expected_version=final.edit_version,
            summary="改",
            comments={},
        )
    # A new draft of the same month becomes version 2; version 1 stays as it was.
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    second = reports.job_run(job.pk)
    assert second.pk != final.pk and second.summary == ""
    second = reports.report_finalise(
        report=second, user=users["drc"], expected_version=second.edit_version
    )
    assert second.version == 2
    final.refresh_from_db()
    assert final.summary == "9月各产业链总体运行平稳。" and final.version == 1
    text = subprocess.run(
        ["pdftotext", final.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "9月各产业链总体运行平稳。" in text and "建议加快用地保障。" in text


@pytest.mark.parametrize(
    "who, draft_status, final_status",
    [
        ("drc", 200, 200),
        ("gxj", 403, 200),  # a lead unit reads final reports, not drafts
        ("siming", 403, 403),
        ("leader_huang_yt", 403, 200),
        ("stats", 403, 200),
    ],
)
def test_who_reaches_drafts_and_final_reports(
    draft, users, client, who, draft_status, final_status
):
    client.force_login(users[who])
    assert client.get(reverse("reports:report", args=[draft.pk])).status_code == draft_status
    assert client.get(reverse("reports:pdf", args=[draft.pk])).status_code == draft_status
    final = reports.report_finalise(
        report=draft, user=users["drc"], expected_version=draft.edit_version
    )
    assert client.get(reverse("reports:report", args=[final.pk])).status_code == final_status
    assert client.post(reverse("reports:edit", args=[final.pk]), {"summary": "x"}).status_code in (
        (302,) if who == "drc" else (403,)
    )


def test_the_draft_page_links_every_compiled_paragraph_to_its_update(
    draft, accepted, users, client
):
    client.force_login(users["drc"])
    page = client.get(reverse("reports:html", args=[draft.pk])).content.decode()
    assert reverse("reporting:update", args=[accepted.pk]) in page
    assert FULL_TEXT["progress_policy"] in page


def test_a_refused_draft_edit_answers_409_and_keeps_the_text(draft, users, client):
    client.force_login(users["drc"])
    response = client.post(
        reverse("reports:edit", args=[draft.pk]),
        {
            "edit_version": draft.edit_version - 1,
            "summary": "我写的总体情况",
            "comment-suggestions": "我的建议",
        },
    )
    assert response.status_code == 409
    assert "我写的总体情况" in response.content.decode() and "我的建议" in response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == ""


def test_the_schedule_drafts_the_month_after_its_lock_date_once(accepted, indicators, users):
    period = periods_services.period_get_or_create(2025, 9)
    day_after = period.lock_date + datetime.timedelta(days=1)
    assert schedule.run(day_after) == ["monthly 2025-09"]
    assert schedule.run(day_after) == []
    assert ReportJob.objects.filter(period="2025-09").count() == 1


def test_the_schedule_drafts_the_annual_report_and_reminds_once_per_step(users, db):
    from accounts.models import Notification

    users["drc"]  # a DRC user to remind
    # Drafted once 2026's work plans are due (15 January), so that it carries them.
    assert "annual 2025" not in schedule.run(datetime.date(2026, 1, 15))
    assert "annual 2025" in schedule.run(datetime.date(2026, 1, 16))
    assert ReportJob.objects.filter(kind="annual", period="2025").count() == 1
    reminded = schedule.run(datetime.date(2026, 1, 30))
    assert reminded == ["annual-2025-1"]
    assert schedule.run(datetime.date(2026, 1, 30)) == []
    # ten working days before (sent with the draft on the 16th) and one day before
    assert Notification.objects.filter(user=users["drc"], text__contains="年度").count() == 2


def test_build_report_command_writes_a_pdf(accepted, indicators, figures, tmp_path, clock):
    clock.set(datetime.date(2025, 10, 20))
    target = tmp_path / "report.pdf"
    call_command("build_report", "monthly", "2025-09", "-o", str(target))
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "电子信息产业集群" in text and FULL_TEXT["progress_policy"] in text
    fonts = subprocess.run(
        ["pdffonts", str(target)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Noto-?(Serif|Sans)-?CJK-?SC", fonts)  # embedded: "emb" yes


def test_generating_a_draft_again_refreshes_its_data_and_keeps_its_text(draft, users, accepted):
    edited = reports.report_edit(
        report=draft,
        user=users["drc"],
        expected_version=draft.edit_version,
        summary="保留的总体情况",
        comments={},
    )
    old_file = edited.pdf.name
    services.update_unlock(update=accepted, user=users["drc"], reason="更正")
    job, created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    assert created
    again = reports.job_run(job.pk)
    assert again.pk == draft.pk and Report.objects.count() == 1
    assert again.summary == "保留的总体情况"
    # The unlocked update is no longer accepted: the refreshed data no longer compiles it.
    assert all(not e["entries"] for e in industry(again.data)["elements"])
    assert again.pdf.name != old_file and again.pdf_edit_version == again.edit_version


def test_a_job_dead_for_longer_than_its_time_limit_no_longer_blocks_a_request(users, db):
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now() - reports.RUNNING_FOR_AT_MOST - datetime.timedelta(minutes=1),
    )
    fresh, created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    assert created and fresh.pk != job.pk
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_a_job_whose_worker_stopped_beating_is_failed_and_retried_once(users, db):
    from reporting.reports import tasks

    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    a_while_ago = timezone.now() - reports.dead_after() - datetime.timedelta(seconds=5)
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress=45, attempts=1, started_at=a_while_ago
    )
    # Running, with a fresh heartbeat: alive, whatever its age.
    ReportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    assert tasks.reports_watchdog() == []
    assert reports.report_request(period=SEPTEMBER, user=users["drc"]) == (job, False)
    # No heartbeat for a minute: its worker is gone. Asking again gets a retry, not the corpse.
    ReportJob.objects.filter(pk=job.pk).update(heartbeat_at=a_while_ago)
    fresh, created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    assert created and fresh.pk != job.pk
    assert fresh.status == JobStatus.QUEUED and fresh.attempts == 1  # attempts carry over
    dead = ReportJob.objects.get(pk=job.pk)
    assert dead.status == JobStatus.FAILED and "中断" in dead.message
    assert tasks.reports_watchdog() == []  # failed once, retried once
    assert ReportJob.objects.filter(status__in=["queued", "running"]).count() == 1


def test_the_page_watching_a_dead_job_follows_its_retry(users, client):
    from django.urls import reverse

    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    a_while_ago = timezone.now() - reports.dead_after() - datetime.timedelta(seconds=5)
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress=45, started_at=a_while_ago, heartbeat_at=a_while_ago
    )
    client.force_login(users["drc"])
    # The progress bar polling the dead job is sent to the retry (no beat needed to notice).
    state = client.get(reverse("reports:job_status", args=[job.pk])).json()
    retry = ReportJob.objects.get(status=JobStatus.QUEUED)
    assert state["retry_url"] == reverse("reports:job", args=[retry.pk])
    assert state["status"] == JobStatus.QUEUED
    page = client.get(reverse("reports:job", args=[job.pk]))
    assert page.status_code == 302 and page["Location"] == state["retry_url"]
    assert client.get(page["Location"]).status_code == 200


def test_a_period_not_begun_or_of_an_unknown_kind_is_refused(db, clock):
    clock.set(datetime.date(2025, 9, 30))
    assert reports.parse_period("monthly", "2025-9").key == "2025-09"
    assert reports.parse_period("quarterly", "2025-3").key == "2025-Q3"
    for kind, text in (("monthly", "2025-10"), ("quarterly", "2025-Q4")):
        with pytest.raises(ValidationError) as error:
            reports.parse_period(kind, text)
        assert error.value.messages == ["报告期尚未开始，不能生成报告。"]
    clock.set(datetime.date(2025, 10, 1))  # the fourth quarter has begun
    assert reports.parse_period("quarterly", "2025-Q4").key == "2025-Q4"
    with pytest.raises(ValidationError) as error:
        reports.parse_period("weekly", "2025-40")
    assert error.value.messages == ["未知的报告类型：weekly"]


def test_comments_go_only_on_the_drafts_own_paragraphs(draft, users):
    with pytest.raises(ValidationError) as error:
        reports.report_edit(
            report=draft,
            user=users["drc"],
            expected_version=draft.edit_version,
            summary="总体平稳",
            comments={"industry:quantum-computing": "无此产业"},
        )
    assert error.value.messages == ["未知的段落：industry:quantum-computing"]
    draft.refresh_from_db()
    assert (draft.summary, draft.comments) == ("", {})
    edited = reports.report_edit(
        report=draft,
        user=users["drc"],
        expected_version=draft.edit_version,
        summary="总体平稳",
        comments={"industry:electronic-information": "进展较快。", "suggestions": "  "},
    )
    assert edited.comments == {"industry:electronic-information": "进展较快。"}


def test_a_job_failed_before_it_ran_is_not_run(users, db):
    """The watchdog failed the job (and queued a retry) before its task started: the task,
    handed out late, writes nothing; the retry writes the report."""
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    with pytest.raises(reports.JobAbandoned):
        reports.job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.started_at) == (JobStatus.FAILED, 0, None)
    assert not Report.objects.exists()


def test_a_job_dead_on_its_last_attempt_is_given_up_not_retried(users, db):
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    a_while_ago = timezone.now() - reports.dead_after() - datetime.timedelta(seconds=5)
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        attempts=reports.MAX_ATTEMPTS,
        started_at=a_while_ago,
        heartbeat_at=a_while_ago,
    )
    assert reports.jobs_reap() == []
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == (
        f"后台任务处理程序中断，已尝试 {reports.MAX_ATTEMPTS} 次仍未完成，可重新生成。"
    )
    assert ReportJob.objects.count() == 1  # no retry queued


def test_without_a_broker_no_queued_job_is_taken_for_lost(users, db, settings):
    """Tasks run in-process (no Redis): there is no queue to lose a task in, nor one to ask."""
    settings.REPORT_JOB_LOST_AFTER = 1
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    ReportJob.objects.filter(pk=job.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert reports.jobs_reap_lost() == []
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_until_its_work_ends(settings):
    """While the task works (gathering, rendering a long PDF), a thread writes the job's
    heartbeat every REPORT_JOB_HEARTBEAT seconds, and stops when the work ends."""
    import time

    settings.REPORT_JOB_HEARTBEAT = 0.05
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    job = ReportJob.objects.create(
        kind="monthly", period="2025-09", status=JobStatus.RUNNING, started_at=long_ago,
        heartbeat_at=long_ago,
    )  # fmt: skip

    def heartbeat():
        return ReportJob.objects.get(pk=job.pk).heartbeat_at

    with reports._heartbeat(job.pk):
        give_up = time.monotonic() + 10
        while heartbeat() == long_ago and time.monotonic() < give_up:
            time.sleep(0.02)
        assert heartbeat() > long_ago
    last = heartbeat()
    time.sleep(0.3)
    assert heartbeat() == last


def test_a_job_killed_every_time_is_given_up(users, db):
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    ReportJob.objects.filter(pk=job.pk).update(attempts=reports.MAX_ATTEMPTS)
    with pytest.raises(reports.JobAbandoned):
        reports.job_run(job.pk)
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert not Report.objects.exists()


def test_problems_of_unaccepted_updates_and_later_actions_are_not_compiled(
    filled, accepted, indicators, users, clock
):
    from chains.models import Official
    from reporting.supervision import services as coordination

    electronics = accepted.industry
    later = coordination.meeting_create(
        industry=electronics,
        chair=Official.objects.get(name="黄晓舟"),
        date=datetime.date(2026, 3, 1),
        units=[],
        problems=[],
        minutes="",
        user=users["drc"],
    )
    coordination.action_create(
        meeting=later,
        decision="明年的事",
        unit=accepted.unit,
        deadline=datetime.date(2026, 4, 1),
        user=users["drc"],
    )
    data = gather.gather("monthly", 2025, 9)
    assert all(a["decision"] != "明年的事" for a in industry(data)["actions"])


def test_a_period_outside_the_range_is_a_clear_error_not_a_500(users, client):
    client.force_login(users["drc"])
    for kind, period in (("annual", "0000"), ("monthly", "0000-01"), ("quarterly", "0000-Q1")):
        response = client.post(reverse("reports:generate"), {"kind": kind, "period": period})
        assert response.status_code == 302
    assert not ReportJob.objects.exists()


def test_the_report_is_in_chinese_whoever_asks(accepted, indicators, users):
    from django.utils import translation

    with translation.override("en"):
        job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
        report = reports.job_run(job.pk)
        html = reports.report_html(report)
    assert "总体情况" in html and "Overview" not in html


def test_finalising_saves_the_text_and_the_version_together_or_neither(draft, users, monkeypatch):
    def broken(html):
        raise OSError("disk full")

    monkeypatch.setattr(reports.render, "report_pdf", broken)
    with pytest.raises(OSError):
        reports.report_finalise(
            report=draft,
            user=users["drc"],
            expected_version=draft.edit_version,
            summary="定稿前写的",
            comments={},
        )
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT and draft.summary == ""


def test_a_quarterly_report_totals_its_three_months(accepted, indicators, figures, users, clock):
    output = Indicator.objects.get(code="output-month")
    electronics = Industry.objects.get(code="electronic-information")
    for year, month, value in (
        (2025, 7, "100"),
        (2025, 8, "200"),
        (2024, 7, "90"),
        (2024, 8, "180"),
    ):
        IndustryFigure.objects.create(
            source=figures,
            indicator=output,
            industry=electronics,
            year=year,
            month=month,
            value=Decimal(value),
        )
    clock.set(datetime.date(2025, 10, 20))
    data = gather.gather("quarterly", 2025, 3)
    assert data["period_label"] == "2025年第三季度"
    headline = data["headline"][0]
    assert headline["label"].endswith("本季度合计")
    # 100 + 200 + 12345.6 against 90 + 180 + 10000.
    assert headline["value"] == "12645.60"
    assert headline["yoy"] == "23.13"  # 12645.6 ÷ 10270 − 1 = 23.1314 %
    policy = next(e for e in industry(data)["elements"] if e["key"] == "policy")
    assert policy["entries"][0]["month"] == "9月"


# --- growth in the snapshot: known answers ----------------------------------------------------------
# 增长速度 = (本期 − 上年同期) ÷ 上年同期 × 100 (the statistics bureau's definition), kept to two
# decimals rounded half up (四舍五入). A total's growth is the totals' (Σ本期 ÷ Σ上年同期 − 1),
# never an average of the industries' or of the months' rates; the bureau's own growth, when its
# file gives one, is taken as given.


def put(source, code, year, month, value, yoy=None):
    IndustryFigure.objects.create(
        source=source,
        indicator=Indicator.objects.get(code="output-month"),
        industry=Industry.objects.get(code=code),
        year=year,
        month=month,
        value=Decimal(value),
        yoy=None if yoy is None else Decimal(yoy),
    )


def test_monthly_growth_known_answers(accepted, indicators, figures, clock):
    # electronic-information: 12,345.6 against 10,000 (the `figures` fixture).
    put(figures, "machinery-equipment", 2025, 9, "950")
    put(figures, "machinery-equipment", 2024, 9, "1000")
    put(figures, "new-materials", 2025, 9, "10012.5")
    put(figures, "new-materials", 2024, 9, "10000")
    put(figures, "biomedicine", 2025, 9, "3000", yoy="8.5")  # the bureau's: 8.5
    put(figures, "biomedicine", 2024, 9, "2000")  # (computed it would be +50 %)
    clock.set(datetime.date(2025, 10, 20))
    data = gather.gather("monthly", 2025, 9)

    def growth(code):
        return industry(data, code)["figures"][0]["yoy"]

    assert growth("electronic-information") == "23.46"  # 23.456 %
    assert growth("machinery-equipment") == "-5.00"  # (950 − 1000) ÷ 1000
    assert growth("new-materials") == "0.13"  # 0.125 %: half up (half to even gives 0.12)
    assert growth("biomedicine") == "8.50"
    # The four industries' total: 26,308.1 against 23,000 — 14.3830… %; the average of their
    # rates (23.456, −5, 0.125, 50 computed) would say 17.1 %.
    (headline,) = data["headline"]
    assert (headline["value"], headline["yoy"]) == ("26308.10", "14.38")
    charts = {c["code"]: c["chart"] for c in data["categories"]}
    assert charts["pillar"]["yoy"] == [23.46, -5.0]


def test_no_growth_without_a_base(accepted, indicators, figures, clock):
    put(figures, "machinery-equipment", 2025, 9, "500")
    put(figures, "machinery-equipment", 2024, 9, "0")  # a base of zero
    put(figures, "new-materials", 2025, 9, "700")  # nothing a year earlier
    clock.set(datetime.date(2025, 10, 20))
    data = gather.gather("monthly", 2025, 9)
    assert industry(data, "machinery-equipment")["figures"][0]["yoy"] is None
    assert industry(data, "new-materials")["figures"][0]["yoy"] is None
    assert industry(data, "electronic-information")["figures"][0]["yoy"] == "23.46"
    # A total one of whose parts has no year-earlier figure compares nothing like with like.
    (headline,) = data["headline"]
    assert (headline["value"], headline["yoy"]) == ("13545.60", None)


def test_a_years_growth_compares_the_months_present_in_both_years(
    accepted, indicators, figures, clock
):
    """机械装备: 2025 January–March 200, 100, 100; 2024 only February and March, 100 and 200.
    The year's growth compares February–March: 200 against 300, −33.33 %. Not the 400
    against 300 of all months reported (+33.33 %), nor the average of the monthly rates."""
    for year, month, value in (
        (2025, 1, "200"),
        (2025, 2, "100"),
        (2025, 3, "100"),
        (2024, 2, "100"),
        (2024, 3, "200"),
    ):
        put(figures, "machinery-equipment", year, month, value)
    clock.set(datetime.date(2026, 1, 20))
    data = gather.gather("annual", 2025)
    figures_ = industry(data, "machinery-equipment")["year_figures"]
    assert (figures_["this"], figures_["last"]) == ("400.00", "300.00")
    assert figures_["compared_months"] == [2, 3]
    assert figures_["yoy"] == "-33.33"
    assert figures_["months"][:4] == ["200.00", "100.00", "100.00", None]
    assert figures_["last_months"][:4] == [None, "100.00", "200.00", None]
