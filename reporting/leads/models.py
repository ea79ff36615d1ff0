"""Investment leads (招商线索): 市招商办 guides targeted investment attraction (精准招商) with the
industries' lead units and the districts. A lead moves 线索 → 洽谈 → 签约 → 落地; at 签约 it enters
the project register. Every write leaves a LeadEvent; a lead is never deleted, only dropped
(放弃, with the reason) or taken out."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadStage(models.TextChoices):
    LEAD = "lead", _("Lead")
    TALKS = "talks", _("In talks")
    SIGNED = "signed", _("Signed")
    LANDED = "landed", _("Landed")
    DROPPED = "dropped", _("Dropped")

    @classmethod
    def open_values(cls) -> list[str]:
        return [cls.LEAD, cls.TALKS, cls.SIGNED]


class LeadSource(models.TextChoices):
    REFERRAL = "referral", _("Referred by an enterprise (以商引商)")
    FAIR = "fair", _("Fair or promotion event")
    AGENCY = "agency", _("Agency or chamber of commerce")
    VISIT = "visit", _("Enterprise visit")
    OFFICE = "office", _("Investment office outside Xiamen")
    OTHER = "other", _("Other")


class LeadEventKind(models.TextChoices):
    CREATED = "created", _("Recorded")
    CHANGED = "changed", _("Changed")
    STAGE = "stage", _("Stage moved")
    GUIDED = "guided", _("Guidance from the investment promotion office")
    ASSIGNED = "assigned", _("Assigned to a unit")
    REMOVED = "removed", _("Taken out")


class InvestmentLead(models.Model):
    target = models.CharField(_("target enterprise"), max_length=200)
    # The enterprise's name as compared for duplicates (no spaces, brackets or company form).
    target_key = models.CharField(
        _("enterprise as compared"), max_length=200, editable=False, db_index=True
    )
    source = models.CharField(_("source"), max_length=12, choices=LeadSource.choices)
    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("industry"),
    )
    district = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="district_leads",
        limit_choices_to={"kind__in": ["district", "zone"]},
        verbose_name=_("district or development zone"),
    )
    expected_investment = models.DecimalField(
        _("expected investment (100 million yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("unit following it"),
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=LeadStage.choices, default=LeadStage.LEAD
    )
    next_step = models.TextField(_("next step"), blank=True)
    next_step_due = models.DateField(_("next step by"), null=True, blank=True)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    project = models.OneToOneField(
        "reporting.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead",
        editable=False,
        verbose_name=_("registered project"),
    )
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    is_demo = models.BooleanField(default=False, editable=False, verbose_name=_("demo data"))

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("investment lead")
        verbose_name_plural = _("investment leads")
        indexes = [
            models.Index(fields=["unit", "stage"]),
            models.Index(fields=["industry", "stage"]),
            models.Index(fields=["district", "stage"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_investment__gte=0)
                | models.Q(expected_investment__isnull=True),
                name="lead_investment_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.target


class LeadEvent(models.Model):
    lead = models.ForeignKey(
        InvestmentLead, on_delete=models.PROTECT, related_name="events", verbose_name=_("lead")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=LeadEventKind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    stage_from = models.CharField(
        _("stage before"), max_length=12, choices=LeadStage.choices, blank=True
    )
    stage_to = models.CharField(_("stage"), max_length=12, choices=LeadStage.choices)
    text = models.TextField(_("text"), blank=True)
    snapshot = models.JSONField(_("fields after the change"), default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("lead history entry")
        verbose_name_plural = _("lead history")
        indexes = [models.Index(fields=["lead", "-at"])]

    def __str__(self) -> str:
        return f"{self.lead} · {self.get_kind_display()}"
