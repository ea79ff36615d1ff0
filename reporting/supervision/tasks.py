"""The supervision loop's beat task: the day's chases (催办), once each."""

from celery import shared_task

from reporting.supervision import chasing
from reporting.updates.tasks import RETRY


@shared_task(name="reporting.chase_items", **RETRY)
def chase_items() -> int:
    return chasing.chase_due()
