"""The transactional outbox. A write records its follow-up work as a row in its own
transaction; after commit we try to hand it to Celery at once, with the broker's timeouts
bounded so a dead or hung Redis costs the user at most a few seconds; what the broker did not
take, the periodic relay sends later. Tasks mark the row processed, so a message delivered
twice runs once."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.celery import app
from reporting.models import OutboxMessage

logger = logging.getLogger(__name__)

RELAY_AFTER = timedelta(minutes=10)
# A message whose task failed this many times is left for the administrators (its last error
# shows in the admin): the relay no longer sends it, and it holds up nothing else.
MAX_ATTEMPTS = 20


def enqueue(task: str, **payload) -> OutboxMessage:
    message = OutboxMessage.objects.create(task=task, payload=payload)
    transaction.on_commit(lambda: dispatch(message.pk))
    return message


def dispatch(message_id: int) -> bool:
    """Hand one message to the broker. Never raises: a failure leaves it for the relay."""
    message = OutboxMessage.objects.filter(pk=message_id, processed_at__isnull=True).first()
    if message is None:
        return False
    try:
        # apply_async (not send_task) so the embedded eager mode runs the task in-process.
        app.tasks[message.task].apply_async(kwargs={"outbox_id": message.pk}, retry=False)
    except Exception as exc:  # the broker is down or hung: keep the row, tell the log
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("outbox %s not dispatched (%s); the relay will retry", message.pk, exc)
        return False
    # Each dispatch restarts the wait before the relay tries again (a message that keeps
    # failing is retried every RELAY_AFTER, not on every relay run).
    OutboxMessage.objects.filter(pk=message.pk).update(dispatched_at=timezone.now())
    return True


def pending(now=None):
    """Messages not processed that were never dispatched, or dispatched long ago."""
    now = now or timezone.now()
    waiting = OutboxMessage.objects.filter(processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    return waiting.filter(dispatched_at__isnull=True) | waiting.filter(
        dispatched_at__lt=now - RELAY_AFTER
    )


def relay(limit: int = 200) -> int:
    sent = 0
    for message_id in pending().order_by("created_at").values_list("pk", flat=True)[:limit]:
        sent += dispatch(message_id)
    return sent


def claim(outbox_id: int) -> OutboxMessage | None:
    """Inside the task's transaction: take the message if nobody processed it yet."""
    message = (
        OutboxMessage.objects.select_for_update()
        .filter(pk=outbox_id, processed_at__isnull=True)
        .first()
    )
    if message is not None:
        OutboxMessage.objects.filter(pk=outbox_id).update(processed_at=timezone.now())
    return message
