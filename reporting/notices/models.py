"""How notices reach people (reporting.notices): each user's choice per kind of notice, and the
units' group robots (企业微信 / 钉钉) the administrators configure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.choices import NoticeKind


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail each notice")
    DIGEST = "digest", _("One daily digest e-mail")
    OFF = "off", _("No e-mail (portal only)")


class NoticePreference(models.Model):
    """A user's choice for one kind of notice. The portal's own inbox always keeps the notice;
    the choice is about e-mail. Without a row: each notice is e-mailed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    email = models.CharField(
        _("e-mail"), max_length=12, choices=EmailChoice.choices, default=EmailChoice.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.email}"


class WebhookProvider(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk group robot (钉钉)")


class UnitWebhook(models.Model):
    """A unit's group robot: the notices its staff receive, of the kinds chosen, are posted to
    the group too. Configured by administrators; posted through the outbox, retried until the
    robot takes them."""

    unit = models.ForeignKey(
        "chains.Unit", on_delete=models.PROTECT, related_name="webhooks", verbose_name=_("unit")
    )
    provider = models.CharField(_("provider"), max_length=12, choices=WebhookProvider.choices)
    url = models.URLField(_("robot address (webhook URL)"), max_length=500)
    kinds = models.JSONField(
        _("kinds of notice posted"),
        default=list,
        blank=True,
        help_text=_("Empty: every kind."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("unit group robot")
        verbose_name_plural = _("unit group robots")

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_provider_display()}"

    def posts(self, kind: str) -> bool:
        return self.is_active and (not self.kinds or kind in self.kinds)
