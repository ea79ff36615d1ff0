"""Celery tasks of the reporting app: thin, idempotent, each calling a service."""

from celery import Task, shared_task
from django.db import transaction
from django.urls import reverse

from accounts.notifications import drc_staff, notify, unit_staff
from reporting import outbox, reminders
from reporting.choices import UpdateStatus
from reporting.models import MonthlyUpdate, UpdateEvent

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(name="reporting.ping")
def ping() -> str:
    """Answers through whatever broker is configured; used by the health checks and tests."""
    return "pong"


def _claimed_update(outbox_id: int) -> MonthlyUpdate | None:
    """The update a message is about, if this run is the one that claims the message."""
    message = outbox.claim(outbox_id)
    if message is None:
        return None
    return MonthlyUpdate.objects.select_related("industry", "unit", "period").get(
        pk=message.payload["update_id"]
    )


@shared_task(name="reporting.notify_submitted", **RETRY)
def notify_submitted(outbox_id: int) -> None:
    with transaction.atomic():
        update = _claimed_update(outbox_id)
        if update is None:
            return
        notify(
            drc_staff(),
            subject=f"【待审核】{update.unit.name} {update.industry.name} {update.period}",
            text=f"{update.unit.name}提交了{update.industry.name}{update.period}的月度进展，请审核。",
            link=reverse("reporting:review", args=[update.pk]),
        )


@shared_task(name="reporting.notify_reviewed", **RETRY)
def notify_reviewed(outbox_id: int) -> None:
    with transaction.atomic():
        update = _claimed_update(outbox_id)
        if update is None:
            return
        event = UpdateEvent.objects.filter(update=update).order_by("-at", "-id").first()
        verdict = {UpdateStatus.ACCEPTED: "已审核通过", UpdateStatus.RETURNED: "被退回修改"}.get(
            update.status, "状态已变更"
        )
        reason = f"理由：{event.reason}" if event and event.reason else ""
        notify(
            unit_staff(update.unit_id),
            subject=f"【{verdict}】{update.industry.name} {update.period}",
            text=f"{update.industry.name}{update.period}的月度进展{verdict}。{reason}",
            link=reverse("reporting:update", args=[update.pk]),
        )


@shared_task(name="reporting.outbox_relay")
def outbox_relay() -> int:
    return outbox.relay()


@shared_task(name="reporting.send_reminders", **RETRY)
def send_reminders() -> int:
    return reminders.send_due_reminders()


@shared_task(name="reporting.periods_ensure")
def periods_ensure() -> None:
    from reporting.services import periods_ensure as ensure

    ensure()


class ReportTask(Task):
    """After its last retry, a report job is marked failed, with the reason, so the page says
    so instead of waiting for ever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from reporting.reports.services import job_failed

        job_failed(args[0], f"{type(exc).__name__}: {exc}")


@shared_task(
    name="reporting.build_report",
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
    from reporting.reports.services import JobAbandoned, job_run

    try:
        return job_run(job_id).pk
    except JobAbandoned:
        return 0  # given up and marked failed: not retried


@shared_task(name="reporting.reports_watchdog")
def reports_watchdog() -> list[int]:
    """Every 30 s (beat): report jobs whose worker died, or whose queued task was lost, are
    failed and queued again."""
    from reporting.reports.services import jobs_reap, jobs_reap_lost

    return [job.pk for job in jobs_reap() + jobs_reap_lost()]


@shared_task(name="reporting.reports_schedule", **RETRY)
def reports_schedule() -> list[str]:
    """Daily: draft the monthly report the day after its month's lock date, the annual report
    for Y on the first working day of January Y+1, and remind the DRC as January 31 nears."""
    from reporting.reports.schedule import run

    return run()
