"""The whole Celery worker SIGKILLed while it renders a report: nothing acknowledges or rejects
its task (the broker would hand it out again only after the visibility timeout), so the job's
heartbeat stops; the watchdog marks the job failed and queues it again, asking again (生成)
returns the retry and never the dead job, a new worker builds exactly one report, and the dead
job's task, if it is ever delivered again, does nothing."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from reporting.choices import JobStatus
from reporting.models import Report, ReportJob
from reporting.reports import services as reports
from reporting.reports import tasks
from tests.clocked import clocked_python
from tests.reporting.test_reports import SEPTEMBER

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def start_worker(redis_url: str, log: Path) -> subprocess.Popen:
    """`celery -A portal worker` in its own process, on the test's Redis and test database, its
    clock where the test's is (heartbeats are compared across the two)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REPORT_JOB_HEARTBEAT": "0.5",
        "REDIS_SOCKET_TIMEOUT": "1",
    }
    return subprocess.Popen(
        [*clocked_python(), "-m", "celery", "-A", "portal", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait(predicate, seconds: float, what: str, worker=None, log=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker exited: {log.read_text()[-3000:]}")
        time.sleep(0.05)
    raise AssertionError(
        f"{what} not within {seconds} s" + (f": {log.read_text()[-3000:]}" if log else "")
    )


def test_a_worker_killed_mid_report_is_noticed_and_the_report_built_once(
    postgres, services_on, accepted, indicators, figures, users, settings, tmp_path
):
    redis_server = services_on
    log = tmp_path / "worker.log"
    settings.REPORT_JOB_DEAD_AFTER = 3  # a minute in production; heartbeats every 0.5 s here
    with transaction.atomic():  # the task is sent when this commits
        dead, created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    assert created
    worker = start_worker(redis_server.url, log)
    try:
        wait(
            lambda: ReportJob.objects.filter(pk=dead.pk, progress__gte=75).exists(),
            60, "rendering", worker, log,
        )  # fmt: skip
        # Rendering, the heartbeat fresh: the watchdog leaves a live job alone.
        assert tasks.reports_watchdog() == []
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    dead.refresh_from_db()
    assert dead.status == JobStatus.RUNNING and not Report.objects.exists(), "killed too late"

    # Within seconds of its heartbeat stopping (not hours), the job is failed and queued again.
    retried = wait(tasks.reports_watchdog, 10, "the watchdog's retry")
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and "中断" in dead.message
    retry = ReportJob.objects.get(pk=retried[0])
    assert retry.status == JobStatus.QUEUED and retry.period == dead.period
    # Asking again (生成) finds the retry, never the dead job.
    again, created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    assert again.pk == retry.pk and not created
    assert tasks.reports_watchdog() == []  # reaped once

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
    # The dead job's task delivered again (after the visibility timeout) writes nothing.
    assert tasks.build_report(dead.pk) == 0
    assert Report.objects.count() == 1
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED
