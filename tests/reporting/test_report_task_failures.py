"""Issue 13, never exercised: the report task's own retry and failure paths (tasks.build_report
with reports.services). The failure is real: the media folder cannot be written (MEDIA_ROOT is a
file), so the PDF cannot be stored. Celery's retry machinery runs for real too, eagerly
(Task.apply), which runs each retry at once instead of after its countdown; the countdowns are
read from the Retry each attempt raises."""

import pytest
from celery.signals import task_retry
from django.urls import reverse

from reporting.choices import JobStatus
from reporting.models import Report, ReportJob
from reporting.reports import services as reports
from reporting.reports.tasks import build_report
from tests.reporting.test_reports import SEPTEMBER


@pytest.fixture
def unwritable_media(settings, tmp_path):
    """A MEDIA_ROOT that is a file: nothing can be stored under it, even by root (chmod would
    not stop root)."""
    path = tmp_path / "media"
    path.write_text("not a folder")
    settings.MEDIA_ROOT = path
    return path


@pytest.fixture
def retries():
    """The retries Celery makes, as (retry number, countdown, error). Eager tasks propagate
    errors in tests (CELERY_TASK_EAGER_PROPAGATES); a worker does not: it records the failure
    and schedules the retry, as here."""
    seen = []
    conf = build_report.app.conf
    saved, conf.task_eager_propagates = conf.task_eager_propagates, False

    def record(sender=None, request=None, reason=None, **kwargs):
        seen.append((request.retries, reason.when, type(reason.exc).__name__))

    task_retry.connect(record, sender=build_report, weak=False)
    try:
        yield seen
    finally:
        task_retry.disconnect(record, sender=build_report)
        conf.task_eager_propagates = saved


def test_a_report_that_cannot_be_stored_is_retried_with_backoff_then_failed(
    accepted, indicators, figures, users, unwritable_media, retries, client
):
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    result = build_report.apply(args=[job.pk])
    assert result.failed()
    job.refresh_from_db()
    # Tried once and retried max_retries times, each retry after a growing (jittered) wait:
    # backoff 5 s doubling (Celery's full jitter draws each wait between 0 and its cap).
    assert build_report.max_retries == 3 and job.attempts == 4
    assert [r for r, _when, _exc in retries] == [0, 1, 2]
    caps = [5, 10, 20]
    assert all(0 <= when <= cap for (_r, when, _exc), cap in zip(retries, caps, strict=True))
    assert {exc for _r, _when, exc in retries} == {type(result.result).__name__}
    # Then the job says it failed, why, and that nothing was written.
    assert job.status == JobStatus.FAILED and job.finished_at
    assert job.message.startswith(f"生成失败：{type(result.result).__name__}: ")
    assert job.message.endswith("。没有写入任何报告内容，可重新生成。")
    assert job.report_id is None
    assert not Report.objects.exists()  # the report row rolled back with the failed file
    assert unwritable_media.read_text() == "not a folder"
    client.force_login(users["drc"])
    assert (
        "没有写入任何报告内容" in client.get(reverse("reports:job", args=[job.pk])).content.decode()
    )
    # A new request is not blocked by the failed job and, with the folder back, succeeds.
    unwritable_media.unlink()
    again, created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    assert created and again.pk != job.pk
    assert build_report.apply(args=[again.pk]).successful()
    again.refresh_from_db()
    assert again.status == JobStatus.DONE and Report.objects.get().pk == again.report_id
    assert Report.objects.get().pdf.storage.exists(Report.objects.get().pdf.name)


def test_a_job_that_used_up_its_attempts_is_given_up_by_the_task(users, db, retries):
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    ReportJob.objects.filter(pk=job.pk).update(attempts=reports.MAX_ATTEMPTS)
    result = build_report.apply(args=[job.pk])
    assert result.successful() and result.result == 0  # not retried: given up
    assert retries == []
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == (
        f"生成失败：已尝试 {reports.MAX_ATTEMPTS} 次仍未完成。没有写入任何报告内容，可重新生成。"
    )
    assert not Report.objects.exists()


def test_without_a_broker_a_report_that_fails_says_so_on_its_job(
    accepted, indicators, figures, users, unwritable_media, django_capture_on_commit_callbacks
):
    """No Redis: the job runs in-process when the request commits, and Celery hands its
    failure (after the retries) back to the request. The request does not fail with it: the
    job says it failed and why, and nothing is written."""
    with django_capture_on_commit_callbacks(execute=True):  # as when the request commits
        job, created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    assert created
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.report_id is None
    assert job.message.startswith("生成失败：") and "没有写入任何报告内容" in job.message
    assert not Report.objects.exists()
