"""The supervision loop (协调督办): coordination meetings of an industry's lead official, the
action items (督办事项) they decide, and each item's history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reporting.choices import (
    ActionEventKind,
    ActionStatus,
)
from reporting.updates.models import Problem


class Meeting(models.Model):
    """A coordination meeting (协调会) of an industry's lead official, with its agenda of
    escalated problems, its minutes and the decisions it tracks as action items."""

    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("industry"),
    )
    chair = models.ForeignKey(
        "chains.Official",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("chair"),
    )
    date = models.DateField(_("date"))
    attending_units = models.ManyToManyField(
        "chains.Unit", related_name="meetings", blank=True, verbose_name=_("attending units")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")

    def __str__(self) -> str:
        return f"{self.date} {self.industry.name}协调会"


class ActionItem(models.Model):
    """A decision of a meeting, tracked until closed (督办事项)."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("coordination meeting"),
    )
    problem = models.ForeignKey(
        Problem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("originating problem"),
    )
    decision = models.TextField(_("decision"))
    unit = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("responsible unit"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=24, choices=ActionStatus.choices, default=ActionStatus.IN_PROGRESS
    )
    requested_deadline = models.DateField(_("deadline asked for"), null=True, blank=True)
    evidence = models.TextField(_("evidence of completion"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.decision[:40]


class ActionEvent(models.Model):
    """Who did what to an action item, and when: nothing in the loop happens without a trace."""

    action = models.ForeignKey(
        ActionItem, on_delete=models.PROTECT, related_name="events", verbose_name=_("action item")
    )
    kind = models.CharField(max_length=24, choices=ActionEventKind.choices, verbose_name=_("event"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("time"))
    text = models.TextField(blank=True, verbose_name=_("text"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("action item history entry")
        verbose_name_plural = _("action item history")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"
