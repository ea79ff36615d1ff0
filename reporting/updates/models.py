"""Monthly updates (月度进展) filed by lead units, with their projects, problems, inputs from
responsible units, attachments, reminders and a full history."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from reporting.choices import (
    EventKind,
    ProblemStatus,
    ProblemType,
    ProjectStage,
    ReminderStep,
    UpdateStatus,
)
from reporting.periods.models import ReportingPeriod
from reporting.updates.figures import INVESTMENT, PROJECTS_SIGNED, SIGNED_AMOUNT


class MonthlyUpdate(models.Model):
    """One lead unit's update on one industry for one month."""

    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        related_name="updates",
        verbose_name=_("industry"),
    )
    unit = models.ForeignKey(
        "chains.Unit", on_delete=models.PROTECT, related_name="updates", verbose_name=_("lead unit")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="updates", verbose_name=_("period")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=UpdateStatus.choices, default=UpdateStatus.DRAFT
    )
    # Optimistic concurrency: every write must name the version it read.
    version = models.PositiveIntegerField(_("version"), default=1)

    progress_organisation = models.TextField(_("Organisational leadership"), blank=True)
    progress_roadmap = models.TextField(_("Industry development roadmap"), blank=True)
    progress_policy = models.TextField(_("Policy"), blank=True)
    progress_platform = models.TextField(_("Platforms and carriers"), blank=True)
    progress_projects = models.TextField(_("Project planning"), blank=True)
    progress_investment = models.TextField(_("Targeted investment attraction"), blank=True)
    projects_signed = models.PositiveIntegerField(
        _("projects signed"),
        null=True,
        blank=True,
        validators=PROJECTS_SIGNED.validators,
        error_messages=PROJECTS_SIGNED.error_messages,
        help_text=_("Unit: projects. A whole number from 0 to 10,000."),
    )
    signed_amount = models.DecimalField(
        _("amount signed (100 million yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SIGNED_AMOUNT.validators,
        error_messages=SIGNED_AMOUNT.error_messages,
        help_text=_("Unit: 100 million yuan. From 0 to 10,000, two decimals at most."),
    )
    # Figures more than ten times last month's that the unit confirmed (我已核实该数值), by
    # figure, with the value confirmed, who and when (see figures.py); written only by the
    # services, and kept in every history entry's snapshot.
    figure_checks = models.JSONField(
        _("confirmed figures"), default=dict, blank=True, editable=False
    )
    suggestions = models.TextField(_("Suggestions"), blank=True)
    next_plan = models.TextField(_("Next month's plan"), blank=True)

    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("carried over from"),
    )
    first_submitted_at = models.DateTimeField(
        _("first submitted"), null=True, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    reopened_until = models.DateField(_("reopened until"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("updated by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-period__year", "-period__month", "industry__position"]
        verbose_name = _("monthly update")
        verbose_name_plural = _("monthly updates")
        constraints = [
            models.UniqueConstraint(
                fields=["industry", "unit", "period"], name="one_update_per_industry_unit_month"
            ),
            models.CheckConstraint(
                condition=models.Q(signed_amount__gte=0) | models.Q(signed_amount__isnull=True),
                name="update_signed_amount_not_negative",
                violation_error_message=SIGNED_AMOUNT.error_messages["min_value"],
            ),
        ]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.period} {self.industry.name} · {self.unit.name}"

    def clean_fields(self, exclude=None):
        errors = {}
        # int() would quietly make 2.5 projects 2: a count that is not whole is refused.
        if "projects_signed" not in (exclude or ()) and _not_whole(self.projects_signed):
            errors["projects_signed"] = [
                ValidationError(PROJECTS_SIGNED.error_messages["invalid"], code="invalid")
            ]
            exclude = {*(exclude or ()), "projects_signed"}
        try:
            super().clean_fields(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _not_whole(value) -> bool:
    """A float or decimal with a fraction (text is left to the field, which refuses "2.5")."""
    return isinstance(value, (float, Decimal)) and value % 1 != 0


class KeyProject(models.Model):
    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.CASCADE,
        related_name="key_projects",
        verbose_name=_("monthly update"),
    )
    # The register's project this line reports on; a new line gets one when the DRC accepts
    # the update (reporting.projects.services.projects_from_update). The stage and investment
    # the line started from (carried from the register) tell the unit's own changes apart
    # from the register's later ones: only the former are applied.
    project = models.ForeignKey(
        "reporting.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monthly_lines",
        verbose_name=_("registered project"),
    )
    carried_stage = models.CharField(
        _("stage carried from the register"),
        max_length=16,
        choices=ProjectStage.choices,
        blank=True,
        editable=False,
    )
    carried_investment = models.DecimalField(
        _("investment carried from the register"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    name = models.CharField(_("project"), max_length=200)
    stage = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices)
    investment = models.DecimalField(
        _("investment (100 million yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=INVESTMENT.validators,
        error_messages=INVESTMENT.error_messages,
        help_text=_(
            "The project's total investment. Unit: 100 million yuan. From 0 to 10,000, "
            "two decimals at most."
        ),
    )
    progress = models.TextField(_("progress"), blank=True)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(investment__gte=0) | models.Q(investment__isnull=True),
                name="key_project_investment_not_negative",
                violation_error_message=INVESTMENT.error_messages["min_value"],
            )
        ]

    def __str__(self) -> str:
        return self.name


class Problem(models.Model):
    """A problem raised in an update; those needing it go to the lead official's meeting."""

    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name=_("monthly update"),
    )
    description = models.TextField(_("problem"))
    type = models.CharField(_("type"), max_length=16, choices=ProblemType.choices)
    concerned = models.CharField(_("enterprise or project concerned"), max_length=200, blank=True)
    needs_meeting = models.BooleanField(_("needs a coordination meeting"), default=False)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    # Once escalated, a problem belongs to the coordination loop: the unit's later saves of the
    # update leave it alone.
    status = models.CharField(
        _("status"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda",
        verbose_name=_("coordination meeting"),
    )
    # An existing item the DRC linked it to (a problem that one item already answers).
    action = models.ForeignKey(
        "ActionItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_problems",
        verbose_name=_("linked item"),
    )
    # Resolved by the DRC without an item (a note of how), or when its items are all closed.
    resolution = models.TextField(_("how it was resolved"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self) -> str:
        return self.description[:40]


class Contribution(models.Model):
    """Input (素材) a responsible unit adds to the lead unit's update."""

    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("monthly update"),
    )
    unit = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("responsible unit"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("input"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("input from a responsible unit")
        verbose_name_plural = _("inputs from responsible units")

    def __str__(self) -> str:
        return f"{self.unit.name}: {self.text[:30]}"


def attachment_path(instance, filename):
    # The stored name is not the user's: it carries no path or script tricks.
    return f"attachments/{instance.update.period.slug}/{instance.update_id}/{instance.sha256[:16]}{instance.extension}"


class Attachment(models.Model):
    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("monthly update"),
    )
    file = models.FileField(upload_to=attachment_path, verbose_name=_("file"))
    name = models.CharField(_("file name"), max_length=200)
    extension = models.CharField(max_length=8, verbose_name=_("file extension"))
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(max_length=100, verbose_name=_("file type"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 checksum"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))
    removed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("removed at"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class UpdateEvent(models.Model):
    """The history of an update: one row per write, with who, when and the whole content as
    it stood afterwards (or, for a refused concurrent save, the text that was refused)."""

    update = models.ForeignKey(
        MonthlyUpdate,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("monthly update"),
    )
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=UpdateStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    section_reasons = models.JSONField(_("reasons by section"), default=dict, blank=True)
    snapshot = models.JSONField(default=dict, verbose_name=_("content snapshot"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("update history entry")
        verbose_name_plural = _("update history")
        indexes = [models.Index(fields=["update", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Reminder(models.Model):
    """A reminder sent. Its key (period, industry, unit, step) is unique, which makes sending
    idempotent: a step is never sent twice, however often the task runs."""

    key = models.CharField(max_length=160, unique=True, verbose_name=_("key"))
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="+", verbose_name=_("period")
    )
    step = models.CharField(
        max_length=16, choices=ReminderStep.choices, verbose_name=_("reminder step")
    )
    recipients = models.PositiveIntegerField(default=0, verbose_name=_("recipients"))
    sent_at = models.DateTimeField(auto_now_add=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return self.key
