"""The outbox's relay: hands pending messages to Celery every minute (beat)."""

from celery import shared_task

from reporting.outbox import services as outbox


@shared_task(name="reporting.outbox_relay")
def outbox_relay() -> int:
    return outbox.relay()
