"""Conversation (reporting.comments): a comment thread on each monthly update, each supervised
item and each work plan, between the lead unit, its responsible units and the DRC."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Comment(models.Model):
    """One comment, on exactly one update, item or plan; optionally on one section of an
    update (a returned section links to its thread). Units named with @ are told. Comments are
    kept as written: never edited or deleted."""

    TARGETS = ("update", "action", "plan")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    update = models.ForeignKey(
        "MonthlyUpdate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("monthly update"),
    )
    action = models.ForeignKey(
        "ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("action item"),
    )
    plan = models.ForeignKey(
        "WorkPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("work plan"),
    )
    section = models.CharField(_("section"), max_length=24, blank=True)
    mentions = models.ManyToManyField(
        "chains.Unit", related_name="mentioned_in", blank=True, verbose_name=_("units mentioned")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("time"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(update__isnull=False, action__isnull=True, plan__isnull=True)
                | models.Q(update__isnull=True, action__isnull=False, plan__isnull=True)
                | models.Q(update__isnull=True, action__isnull=True, plan__isnull=False),
                name="comment_has_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]
