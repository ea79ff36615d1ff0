"""A queued report job whose task is nowhere: Redis restarted without persistence (or flushed)
and lost its message, or a worker took it and died before starting it. The watchdog marks the
job failed and queues it again after REPORT_JOB_LOST_AFTER, instead of the job blocking 生成 for
hours or waiting out the visibility timeout; a job whose task still waits in the queue for a
worker (whatever its task id), or that a running worker holds, is left alone, and nothing is
done with Redis down."""

import json
import subprocess
import time

import pytest
import redis
from django.db import transaction

from reporting.choices import JobStatus
from reporting.models import Report, ReportJob
from reporting.reports import services as reports
from reporting.reports import tasks
from tests.clocked import clocked_python
from tests.faults.test_worker import start_worker, wait
from tests.reporting.test_reports import SEPTEMBER

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

AUGUST = reports.Period("monthly", 2025, 8)
LOST_AFTER = 1  # two minutes in production


def ask(period, user) -> ReportJob:
    with transaction.atomic():  # the task is sent when this commits
        job, created = reports.report_request(period=period, user=user)
    assert created
    return job


def queued_task_ids(client) -> list[str]:
    """The report tasks waiting in Redis (the fixtures' notices are queued too)."""
    ids = [json.loads(raw)["headers"]["id"] for raw in client.lrange("celery", 0, -1)]
    return [task_id for task_id in ids if task_id.startswith("report-job-")]


def test_a_job_whose_queued_task_redis_lost_is_retried_and_built_once(
    postgres, services_on, accepted, indicators, figures, users, settings, tmp_path
):
    redis_server = services_on
    client = redis.Redis(port=redis_server.port)
    settings.REPORT_JOB_LOST_AFTER = LOST_AFTER
    lost = ask(SEPTEMBER, users["drc"])
    assert queued_task_ids(client) == [reports.job_task_id(lost.pk)]
    client.flushall()  # Redis restarted without persistence: the message is gone
    time.sleep(LOST_AFTER + 0.2)

    retried = tasks.reports_watchdog()
    lost.refresh_from_db()
    assert lost.status == JobStatus.FAILED and "丢失" in lost.message
    assert len(retried) == 1
    retry = ReportJob.objects.get(pk=retried[0])
    assert retry.status == JobStatus.QUEUED and retry.period == lost.period
    assert queued_task_ids(client) == [reports.job_task_id(retry.pk)]
    # Asking again (生成) finds the retry, never the lost job.
    assert reports.report_request(period=SEPTEMBER, user=users["drc"]) == (retry, False)
    # The retry waits in the queue for a worker (none runs): not lost, not retried again.
    time.sleep(LOST_AFTER + 0.2)
    assert tasks.reports_watchdog() == []

    log = tmp_path / "worker.log"
    worker = start_worker(redis_server.url, log)
    try:
        wait(
            lambda: ReportJob.objects.filter(pk=retry.pk, status=JobStatus.DONE).exists(),
            90, "the retry", worker, log,
        )  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(20)
    assert Report.objects.count() == 1
    assert ReportJob.objects.filter(status__in=["queued", "running"]).count() == 0


def test_only_the_job_whose_task_is_gone_is_retried_while_no_worker_runs(
    postgres, services_on, users, settings
):
    client = redis.Redis(port=services_on.port)
    settings.REPORT_JOB_LOST_AFTER = LOST_AFTER
    waiting = ask(SEPTEMBER, users["drc"])
    lost = ask(AUGUST, users["drc"])
    # Only the second job's message is lost; the first one's waits for a worker.
    message = next(
        raw
        for raw in client.lrange("celery", 0, -1)
        if json.loads(raw)["headers"]["id"] == reports.job_task_id(lost.pk)
    )
    assert client.lrem("celery", 1, message) == 1
    time.sleep(LOST_AFTER + 0.2)

    retried = tasks.reports_watchdog()
    assert [job.period for job in ReportJob.objects.filter(pk__in=retried)] == [AUGUST.key]
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.QUEUED  # still in the queue: not lost
    assert reports.report_request(period=SEPTEMBER, user=users["drc"]) == (waiting, False)
    # Watched again and again while no worker runs: nothing more is failed or queued.
    time.sleep(LOST_AFTER + 0.2)
    assert tasks.reports_watchdog() == []
    assert ReportJob.objects.filter(status=JobStatus.FAILED).get().pk == lost.pk
    assert sorted(queued_task_ids(client)) == sorted(
        reports.job_task_id(pk) for pk in (waiting.pk, retried[0])
    )


def test_nothing_is_done_while_the_broker_is_down(postgres, services_on, users, settings):
    settings.REPORT_JOB_LOST_AFTER = LOST_AFTER
    job = ask(SEPTEMBER, users["drc"])
    services_on.kill()
    time.sleep(LOST_AFTER + 0.2)
    assert tasks.reports_watchdog() == []
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


TAKE_AND_DIE = """
import os, sys
import kombu

with kombu.Connection(sys.argv[1]) as conn:
    channel = conn.default_channel
    while True:
        message = channel.basic_get("celery")
        if message.headers["id"] == sys.argv[2]:
            os._exit(0)  # taken, not acknowledged, and dead before starting it
        channel.basic_ack(message.delivery_tag)  # the fixtures' notices: not this test's concern
"""


def test_a_job_taken_by_a_worker_that_died_before_starting_it_is_retried_in_minutes(
    postgres, services_on, accepted, indicators, figures, users, settings, tmp_path
):
    redis_server = services_on
    settings.REPORT_JOB_LOST_AFTER = LOST_AFTER
    taken = ask(SEPTEMBER, users["drc"])
    subprocess.run(
        [*clocked_python(), "-c", TAKE_AND_DIE, redis_server.url, reports.job_task_id(taken.pk)],
        check=True, timeout=30,
    )  # fmt: skip
    client = redis.Redis(port=redis_server.port)
    assert queued_task_ids(client) == [] and client.hlen("unacked") == 1
    time.sleep(LOST_AFTER + 0.2)
    # No worker answers: the one that took it may only be busy; nothing could run it anyway.
    assert tasks.reports_watchdog() == []

    log = tmp_path / "worker.log"
    worker = start_worker(redis_server.url, log)
    try:
        # A worker answers and none holds the task: it is failed and queued again now, not
        # when Redis hands it out again after the visibility timeout (15 minutes).
        retried = wait(tasks.reports_watchdog, 90, "the watchdog's retry", worker, log)
        taken.refresh_from_db()
        assert taken.status == JobStatus.FAILED and taken.attempts == 1
        wait(
            lambda: ReportJob.objects.filter(pk=retried[0], status=JobStatus.DONE).exists(),
            90, "the retry", worker, log,
        )  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(20)
    assert Report.objects.count() == 1
    # The dead worker's task handed out again (after the visibility timeout) writes nothing.
    assert tasks.build_report(taken.pk) == 0
    assert Report.objects.count() == 1


def test_a_job_queued_before_task_ids_named_their_job_is_not_taken_for_lost(
    postgres, services_on, users, settings
):
    # Jobs queued before this deploy carry a random task id: found by what their message
    # carries (the task and its job), not by the id.
    client = redis.Redis(port=services_on.port)
    settings.REPORT_JOB_LOST_AFTER = LOST_AFTER
    job = ask(SEPTEMBER, users["drc"])
    client.delete("celery")
    tasks.build_report.apply_async(args=[job.pk])  # as queued by the previous release
    time.sleep(LOST_AFTER + 0.2)
    assert tasks.reports_watchdog() == []
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_a_message_that_is_not_json_does_not_stop_lost_tasks_being_found(
    postgres, services_on, users, settings
):
    client = redis.Redis(port=services_on.port)
    settings.REPORT_JOB_LOST_AFTER = LOST_AFTER
    waiting = ask(SEPTEMBER, users["drc"])
    lost = ask(AUGUST, users["drc"])
    message = next(
        raw
        for raw in client.lrange("celery", 0, -1)
        if json.loads(raw)["headers"]["id"] == reports.job_task_id(lost.pk)
    )
    assert client.lrem("celery", 1, message) == 1
    client.lpush("celery", b"\xff not a message")
    time.sleep(LOST_AFTER + 0.2)

    retried = tasks.reports_watchdog()
    assert [job.period for job in ReportJob.objects.filter(pk__in=retried)] == [AUGUST.key]
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.QUEUED


@pytest.mark.parametrize("named", [True, False], ids=["task-id-of-the-job", "earlier-release"])
def test_a_job_whose_task_a_running_worker_holds_is_never_taken_for_lost(
    named, postgres, services_on, users, settings, tmp_path
):
    redis_server = services_on
    client = redis.Redis(port=redis_server.port)
    settings.REPORT_JOB_LOST_AFTER = LOST_AFTER
    job = ask(SEPTEMBER, users["drc"])
    # Its task due in two minutes: the worker holds it in its schedule, unacknowledged. (A job
    # queued by the previous release has a random task id.)
    client.delete("celery")
    task_id = reports.job_task_id(job.pk) if named else None
    tasks.build_report.apply_async(args=[job.pk], task_id=task_id, countdown=120)
    log = tmp_path / "worker.log"
    worker = start_worker(redis_server.url, log)
    try:
        wait(
            lambda: client.llen("celery") == 0 and client.hlen("unacked") == 1,
            90, "the worker taking the task", worker, log,
        )  # fmt: skip
        # Delivered longer ago than REPORT_JOB_LOST_AFTER: the workers are asked, tick after
        # tick, and the one holding it says so.
        time.sleep(LOST_AFTER + 0.2)
        for _ in range(5):
            assert tasks.reports_watchdog() == []
            job.refresh_from_db()
            assert job.status == JobStatus.QUEUED
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(20)


def test_a_watchdog_run_waiting_for_a_worker_expires_before_the_next_one_is_sent():
    # While no worker runs, beat's runs would pile up in the queue and all run at once.
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["reports-watchdog"]
    assert 0 < entry["options"]["expires"] < entry["schedule"]
