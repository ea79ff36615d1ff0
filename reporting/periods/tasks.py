"""TODO docstring (reporting.tasks)."""

from celery import shared_task


@shared_task(name="reporting.periods_ensure")
def periods_ensure() -> None:
    from reporting.periods.services import periods_ensure as ensure

    ensure()
