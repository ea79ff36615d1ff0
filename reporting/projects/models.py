"""The project register (项目库): each industry's key projects, kept once and carried from month
to month, instead of re-typed in every monthly update. A project moves through its stages
(策划 → 签约 → 开工 → 投产/达产, or 暂停/终止 with a reason) by the lead unit's monthly update or
by an edit in the register; every write leaves a ProjectEvent, and a project is never deleted,
only marked removed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reporting.choices import ProjectEventKind, ProjectStage

INVESTMENT_HELP = _("The project's total investment. Unit: 100 million yuan.")


class Project(models.Model):
    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("industry"),
    )
    name = models.CharField(_("project"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200, blank=True)
    district = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="district_projects",
        limit_choices_to={"kind__in": ["district", "zone"]},
        verbose_name=_("district or development zone"),
    )
    carrier = models.ForeignKey(
        "chains.CarrierArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("carrier area"),
    )
    investment = models.DecimalField(
        _("total investment (100 million yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=INVESTMENT_HELP,
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=ProjectStage.choices, default=ProjectStage.PLANNING
    )
    stage_since = models.DateField(_("in this stage since"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    operating_on = models.DateField(_("in operation since"), null=True, blank=True)
    stop_reason = models.TextField(_("reason for pausing or terminating"), blank=True)
    land_mu = models.DecimalField(
        _("land needed (mu)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # 供地时序计划: the month the project's land is planned to be supplied (the 1st of it).
    land_supply_month = models.DateField(_("planned land supply month"), null=True, blank=True)
    land_items = models.ManyToManyField(
        "reporting.LandItem", blank=True, related_name="projects", verbose_name=_("land items")
    )
    responsible_unit = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        related_name="followed_projects",
        verbose_name=_("following unit"),
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
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))
    is_demo = models.BooleanField(default=False, editable=False, verbose_name=_("demo data"))

    class Meta:
        ordering = ["industry__position", "name", "id"]
        verbose_name = _("registered project")
        verbose_name_plural = _("project register")
        indexes = [
            models.Index(fields=["industry", "stage"]),
            models.Index(fields=["district", "stage"]),
            models.Index(fields=["stage", "stage_since"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(investment__gte=0) | models.Q(investment__isnull=True),
                name="project_investment_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(land_mu__gt=0) | models.Q(land_mu__isnull=True),
                name="project_land_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectEvent(models.Model):
    """One write to a project: who, when, what it was after, and — when a monthly update
    reported it — the month and the progress written."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="events", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ProjectEventKind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    update = models.ForeignKey(
        "reporting.MonthlyUpdate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_events",
        verbose_name=_("monthly update"),
    )
    stage_from = models.CharField(
        _("stage before"), max_length=16, choices=ProjectStage.choices, blank=True
    )
    stage_to = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices)
    progress = models.TextField(_("progress"), blank=True)
    snapshot = models.JSONField(_("fields after the change"), default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("project history entry")
        verbose_name_plural = _("project history")
        indexes = [models.Index(fields=["project", "-at"])]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"
