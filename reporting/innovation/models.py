"""Science and innovation (筑牢科技创新支撑机制, mechanism 3): registers of their own rather than a
text box — high-level innovation platforms, key core technology projects (关键核心技术攻关) with
milestones, research results transferred into production (科技成果转化) and talent introduced
(领军型、技能型、国际化人才), per industry and month. The industry's lead unit (市科技局 for most)
keeps them and its responsible units contribute; every write leaves an InnovationEvent and
nothing is deleted, only taken out."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlatformLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")


class PlatformKind(models.TextChoices):
    KEY_LAB = "key_lab", _("Key laboratory")
    ENGINEERING = "engineering", _("Engineering (technology) research centre")
    NEW_RD = "new_rd", _("New-type R&D institution")
    THINK_TANK = "think_tank", _("Think-tank platform (智库平台)")
    OTHER = "other", _("Other innovation platform")


class PlatformStatus(models.TextChoices):
    BUILDING = "building", _("Being built")
    RECOGNISED = "recognised", _("Recognised")
    EVALUATED = "evaluated", _("Passed its evaluation")
    REVOKED = "revoked", _("Revoked")


class TechStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Completed")
    STOPPED = "stopped", _("Stopped")


class TalentKind(models.TextChoices):
    LEADING = "leading", _("Leading talent (领军型)")
    SKILLED = "skilled", _("Skilled talent (技能型)")
    INTERNATIONAL = "international", _("International talent (国际化)")


class InnovationEventKind(models.TextChoices):
    CREATED = "created", _("Recorded")
    CHANGED = "changed", _("Changed")
    MILESTONE = "milestone", _("Milestone reached")
    REMOVED = "removed", _("Taken out")


class Kept(models.Model):
    """What every innovation record carries: its industry and district (where the platform,
    the lead enterprise or the taking enterprise is; none for a city-level one), the unit that
    recorded it, who and when, a version against lost updates, and soft removal."""

    industry = models.ForeignKey(
        "chains.Industry", on_delete=models.PROTECT, related_name="+", verbose_name=_("industry")
    )
    district = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": ["district", "zone"]},
        verbose_name=_("district or development zone"),
    )
    unit = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("recorded by unit"),
    )
    version = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    removed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("removed at")
    )
    is_demo = models.BooleanField(default=False, editable=False, verbose_name=_("demo data"))

    class Meta:
        abstract = True


class InnovationPlatform(Kept):
    name = models.CharField(_("platform"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=PlatformLevel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=PlatformKind.choices)
    host = models.CharField(_("host organisation"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=PlatformStatus.choices, default=PlatformStatus.BUILDING
    )
    year = models.PositiveSmallIntegerField(_("year recognised or started"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["industry__position", "-year", "name"]
        verbose_name = _("innovation platform")
        verbose_name_plural = _("innovation platforms")

    def __str__(self) -> str:
        return self.name


class TechProject(Kept):
    """A key core technology project (关键核心技术攻关)."""

    name = models.CharField(_("research project"), max_length=200)
    lead_org = models.CharField(_("lead enterprise or institute"), max_length=200)
    budget = models.DecimalField(
        _("budget (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    start_on = models.DateField(_("starts"))
    end_on = models.DateField(_("ends"))
    status = models.CharField(
        _("status"), max_length=12, choices=TechStatus.choices, default=TechStatus.IN_PROGRESS
    )
    results = models.TextField(_("results"), blank=True)

    class Meta:
        ordering = ["industry__position", "-start_on", "name"]
        verbose_name = _("key core technology project")
        verbose_name_plural = _("key core technology projects")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")), name="tech_project_dates"
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0) | models.Q(budget__isnull=True),
                name="tech_project_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TechMilestone(models.Model):
    project = models.ForeignKey(
        TechProject,
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name=_("research project"),
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ResultTransfer(Kept):
    """Research results transferred into production (科技成果转化) in a month."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    enterprise = models.CharField(_("enterprise taking the results"), max_length=200)
    title = models.CharField(_("results"), max_length=200)
    count = models.PositiveIntegerField(_("number of results"), default=1)
    contract_value = models.DecimalField(
        _("contract value (10,000 yuan)"), max_digits=14, decimal_places=2
    )

    class Meta:
        ordering = ["-year", "-month", "id"]
        verbose_name = _("results transferred")
        verbose_name_plural = _("results transferred")
        indexes = [models.Index(fields=["industry", "year", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contract_value__gte=0), name="transfer_value_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="transfer_month"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TalentIntake(Kept):
    """Talent introduced (人才引进) in a month, by type."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("type of talent"), max_length=16, choices=TalentKind.choices)
    count = models.PositiveIntegerField(_("people"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "-month", "kind", "id"]
        verbose_name = _("talent introduced")
        verbose_name_plural = _("talent introduced")
        indexes = [models.Index(fields=["industry", "year", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="talent_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.count}"


class InnovationEvent(models.Model):
    """One write to an innovation record: who, when, what, and the record as it then stood."""

    kind = models.CharField(_("kind"), max_length=12, choices=InnovationEventKind.choices)
    record = models.CharField(_("record"), max_length=32)  # the model's name
    record_id = models.PositiveBigIntegerField(_("record number"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    text = models.TextField(_("text"), blank=True)
    snapshot = models.JSONField(_("fields after the change"), default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("innovation history entry")
        verbose_name_plural = _("innovation history")
        indexes = [models.Index(fields=["record", "record_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.record} #{self.record_id} · {self.get_kind_display()}"
