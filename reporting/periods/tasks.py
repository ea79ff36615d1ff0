"""The daily task that makes sure this month's and next month's periods exist."""

from celery import shared_task

from reporting.periods.services import periods_ensure as ensure


@shared_task(name="reporting.periods_ensure")
def periods_ensure() -> None:

    ensure()
