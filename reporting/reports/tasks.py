"""The report tasks: drafting a report in the worker, the watchdog that requeues a job whose
worker died, and the daily schedule of monthly and annual reports."""

from celery import Task, shared_task

from reporting.reports.schedule import run
from reporting.reports.services import (
    BUILD_REPORT,
    JobAbandoned,
    job_failed,
    job_run,
    jobs_reap,
    jobs_reap_lost,
)
from reporting.updates.tasks import RETRY


class ReportTask(Task):
    """After its last retry, a report job is marked failed, with the reason, so the page says
    so instead of waiting for ever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):

        job_failed(args[0], f"{type(exc).__name__}: {exc}")


@shared_task(
    name=BUILD_REPORT,
    base=ReportTask,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=3,
    # Well under the broker's visibility timeout (15 minutes: a task still running is not
    # handed out twice) and RUNNING_FOR_AT_MOST (reports.services). A running job counts as
    # dead by its heartbeat (REPORT_JOB_DEAD_AFTER: a minute without one), not by its length.
    soft_time_limit=600,
    time_limit=660,
)
def build_report(job_id: int) -> int:
    """Draft a report (load the job, call the service); idempotent: see reports.services."""
    try:
        return job_run(job_id).pk
    except JobAbandoned:
        return 0  # given up and marked failed: not retried


@shared_task(name="reporting.reports_watchdog")
def reports_watchdog() -> list[int]:
    """Every 30 s (beat): report jobs whose worker died, or whose queued task was lost, are
    failed and queued again."""
    return [job.pk for job in jobs_reap() + jobs_reap_lost()]


@shared_task(name="reporting.reports_schedule", **RETRY)
def reports_schedule() -> list[str]:
    """Daily: draft the monthly report the day after its month's lock date, the annual report
    for Y on the first working day of January Y+1, and remind the DRC as January 31 nears."""
    return run()
