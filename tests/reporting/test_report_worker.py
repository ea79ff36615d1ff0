"""Reports made by a real Celery worker on a real Redis: the DRC asks for the monthly report,
the worker builds it, and the PDF says what the data said; a task that fails mid-way is
retried and leaves exactly one report; with the broker down, the request fails plainly and
writes nothing."""

import datetime
import re
import subprocess
import time

import pytest
from django.db import transaction

from reporting.choices import JobStatus
from reporting.models import Report, ReportJob
from reporting.reports import render
from reporting.reports import services as reports
from tests.celery_helpers import broker, real_worker
from tests.reporting.conftest import FULL_TEXT
from tests.reporting.test_reports import SEPTEMBER

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(job, seconds=60):
    for _ in range(seconds * 10):
        job.refresh_from_db()
        if job.status in (JobStatus.DONE, JobStatus.FAILED):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job still {job.status} after {seconds} s: {job.message}")


def request(users):
    with transaction.atomic():  # the task is sent when this commits
        job, created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    assert created
    return job


def pdf_text(path, tool="pdftotext"):
    args = [tool, path, "-"] if tool == "pdftotext" else [tool, path]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_a_real_worker_builds_the_monthly_report(redis_url, accepted, indicators, figures, users):
    with real_worker(redis_url):
        job = wait_for(request(users))
    assert job.status == JobStatus.DONE and job.progress == 100
    report = Report.objects.get()
    text = pdf_text(report.pdf.path)
    for name in ("电子信息产业集群", "机械装备产业集群", "生物医药产业", "深海空天开发"):
        assert name in text
    assert re.search(r"12,?345\.6", text)  # the statistics bureau's figure
    assert FULL_TEXT["progress_policy"] in text  # a sentence of the accepted update
    fonts = pdf_text(report.pdf.path, "pdffonts")
    assert re.search(r"Noto-?Serif-?CJK-?SC.*yes yes", fonts)  # embedded, not boxes


def test_a_task_failing_mid_way_is_retried_into_exactly_one_report(
    redis_url, accepted, indicators, figures, users, monkeypatch
):
    real, calls = render.report_pdf, []

    def fails_once(html):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("WeasyPrint was killed")
        return real(html)

    monkeypatch.setattr(render, "report_pdf", fails_once)
    with real_worker(redis_url):
        job = wait_for(request(users), seconds=90)
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert Report.objects.count() == 1 and len(calls) == 2


def test_with_redis_down_the_request_fails_plainly_and_writes_nothing(accepted, users):
    with broker("redis://127.0.0.1:1/0"):
        job = request(users)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "Redis" in job.message
    assert not Report.objects.exists()
    # Asking again once it is back starts a new job: the failed one does not block it.
    assert ReportJob.objects.filter(status__in=["queued", "running"]).count() == 0


def test_another_tasks_message_is_not_taken_for_a_lost_report_task(users, redis_url, settings):
    """The watchdog tells report tasks by their name, not by their first argument: a notice
    whose outbox number happens to be a lost job's number, waiting in the queue or taken by a
    worker, does not hide the loss."""
    import json

    import kombu
    import redis as redis_py

    from reporting.updates.tasks import notify_submitted

    settings.REPORT_JOB_LOST_AFTER = 1
    client = redis_py.Redis.from_url(redis_url)
    with broker(redis_url) as app:
        app.control.purge()
        try:
            job = request(users)
            ours = reports.job_task_id(job.pk)
            for raw in client.lrange("celery", 0, -1):  # Redis lost the report task's message
                if json.loads(raw)["headers"]["id"] == ours:
                    assert client.lrem("celery", 1, raw) == 1
            notify_submitted.apply_async(args=[job.pk])  # waits in the same queue
            notify_submitted.apply_async(args=[job.pk])  # and one that a worker is running
            ReportJob.objects.filter(pk=job.pk).update(
                requested_at=job.requested_at - datetime.timedelta(minutes=5)
            )
            with kombu.Connection(redis_url) as conn:
                taken = conn.default_channel.basic_get("celery")  # not acknowledged yet
                assert taken.headers["task"] == "reporting.notify_submitted"
                assert client.hlen("unacked") == 1
                retried = reports.jobs_reap_lost()
            job.refresh_from_db()
            assert job.status == JobStatus.FAILED and "后台任务丢失" in job.message
            assert [r.period for r in retried] == [SEPTEMBER.key]
        finally:
            app.control.purge()


def test_with_a_broker_other_than_redis_lost_tasks_are_not_looked_for(users, settings, caplog):
    """kombu's in-memory broker keeps no record of taken tasks to read: queued jobs are left
    alone, and that is no broker failure to log."""
    settings.REPORT_JOB_LOST_AFTER = 1
    with broker("memory://"):
        job = request(users)
        ReportJob.objects.filter(pk=job.pk).update(
            requested_at=job.requested_at - datetime.timedelta(minutes=5)
        )
        assert reports.jobs_reap_lost() == []
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert "not reachable" not in caplog.text


def test_a_job_whose_task_was_taken_is_left_alone_while_no_worker_answers(
    users, redis_url, settings
):
    """A worker took the report task and has not acknowledged it; asked, no worker answers
    (busy, or all down: then nothing could run a retry either). The job is not failed."""
    import time

    import kombu

    settings.REPORT_JOB_LOST_AFTER = 0.5
    with broker(redis_url) as app:
        app.control.purge()
        try:
            job = request(users)
            with kombu.Connection(redis_url) as conn:
                taken = conn.default_channel.basic_get("celery")
                assert taken.headers["id"] == reports.job_task_id(job.pk)
                time.sleep(0.6)  # taken, and queued, longer ago than REPORT_JOB_LOST_AFTER
                assert reports.jobs_reap_lost() == []
            job.refresh_from_db()
            assert job.status == JobStatus.QUEUED
        finally:
            app.control.purge()
