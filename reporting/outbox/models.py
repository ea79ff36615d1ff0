"""The outbox: follow-up work (notices) written in the same transaction as the change that
causes it, then handed to Celery, so a broker that is down loses nothing."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Follow-up work recorded in the same transaction as the write that causes it, then
    handed to Celery; a periodic relay retries what the broker did not take."""

    task = models.CharField(max_length=100, verbose_name=_("task"))
    payload = models.JSONField(default=dict, verbose_name=_("payload"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    dispatched_at = models.DateTimeField(null=True, blank=True, verbose_name=_("dispatched at"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("processed at"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))

    class Meta:
        indexes = [models.Index(fields=["processed_at", "dispatched_at"])]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
