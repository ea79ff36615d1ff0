"""The notices' tasks: a post to a unit's group robot (from the outbox), the daily digest."""

from celery import shared_task
from django.db import transaction

from reporting.models import OutboxMessage
from reporting.notices import services
from reporting.notices.models import UnitWebhook
from reporting.outbox import services as outbox
from reporting.updates.tasks import RETRY


@shared_task(name="reporting.post_webhook", soft_time_limit=30, time_limit=40, **RETRY)
def post_webhook(outbox_id: int) -> None:
    """Claim the message and post it; if the robot does not take it, the claim is rolled back
    and the error kept on the message: the retry (or the outbox's relay) posts it again."""
    try:
        with transaction.atomic():
            message = outbox.claim(outbox_id)
            if message is None:
                return
            hook = UnitWebhook.objects.filter(pk=message.payload["webhook_id"]).first()
            if hook is None or not hook.is_active:
                return  # switched off since: nothing to post
            services.webhook_post(hook, message.payload["text"])
    except Exception as exc:
        message = OutboxMessage.objects.filter(pk=outbox_id).first()
        if message is not None:
            OutboxMessage.objects.filter(pk=outbox_id).update(
                attempts=message.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
        raise


@shared_task(name="reporting.send_digests", **RETRY)
def send_digests() -> int:
    return services.send_digests()
