"""The daily task that reminds statistics staff of the month's analysis: thin and idempotent
(each reminder is sent once, reporting.analysis.reminders)."""

from celery import shared_task

from reporting.analysis import reminders

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(name="reporting.send_analysis_reminders", **RETRY)
def send_analysis_reminders() -> int:
    return reminders.send_analysis_reminders()
