"""Yearly work plans (年度工作计划) of lead units and districts, and the progress recorded against
their items month by month, with each plan's history."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from reporting.choices import (
    SIX_ELEMENTS,
    PlanEventKind,
    UpdateStatus,
)


class PlanYear(models.Model):
    """A plan year and the date its work plans are due (admins set it; default mid-January,
    WORK_PLAN_DEADLINE_DAY)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    deadline = models.DateField(_("plans due"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan year")
        verbose_name_plural = _("plan years")

    def __str__(self) -> str:
        return f"{self.year}年"

    def clean(self) -> None:
        # A slip of the keyboard (2072 for 2027) would leave every plan "not yet due".
        if self.year and self.deadline and self.deadline.year not in (self.year - 1, self.year):
            raise ValidationError(
                {
                    "deadline": format_lazy(
                        _(
                            "The deadline should fall in {previous} or {year}: a year's work "
                            "plans are due at its start (mid-January by default)."
                        ),
                        previous=self.year - 1,
                        year=self.year,
                    )
                }
            )

    @staticmethod
    def default_deadline(year: int) -> datetime.date:
        """Mid-January (WORK_PLAN_DEADLINE_DAY): before the annual report is compiled."""
        return datetime.date(year, 1, settings.WORK_PLAN_DEADLINE_DAY)


class WorkPlan(models.Model):
    """One unit's work plan for a year: a lead unit's for an industry it leads, or a district's
    or development zone's own (no industry)."""

    unit = models.ForeignKey(
        "chains.Unit", on_delete=models.PROTECT, related_name="work_plans", verbose_name=_("unit")
    )
    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_plans",
        verbose_name=_("industry"),
    )
    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="plans", verbose_name=_("year")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=UpdateStatus.choices, default=UpdateStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    summary = models.TextField(_("overall goals"), blank=True)
    return_reason = models.TextField(_("reason returned"), blank=True)
    # First submission (what timeliness reads) and the latest one.
    first_submitted_at = models.DateTimeField(
        _("first submitted"), null=True, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-plan_year__year", "unit__position", "industry__position"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "industry", "plan_year"],
                condition=models.Q(industry__isnull=False),
                name="one_plan_per_unit_industry_year",
            ),
            models.UniqueConstraint(
                fields=["unit", "plan_year"],
                condition=models.Q(industry__isnull=True),
                name="one_own_plan_per_unit_year",
            ),
        ]

    def __str__(self) -> str:
        scope = self.industry.name if self.industry_id else self.unit.name
        return f"{self.plan_year} {scope} · {self.unit.name}"

    @property
    def title(self) -> str:
        if self.industry_id:
            return f"{self.plan_year.year}年{self.industry.name}工作计划（{self.unit.name}）"
        return f"{self.plan_year.year}年{self.unit.name}工作计划"


class PlanItem(models.Model):
    """One task of a plan: the element it serves, its target, who does it and by when."""

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("work plan")
    )
    element = models.CharField(
        _("element"), max_length=16, choices=[(s.value, s.label) for s in SIX_ELEMENTS]
    )
    task = models.TextField(_("task and target"))
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(_("unit of the target"), max_length=20, blank=True)
    responsible = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        related_name="plan_items",
        verbose_name=_("responsible unit"),
    )
    due_month = models.PositiveSmallIntegerField(
        _("due by month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_month__gte=1, due_month__lte=12), name="plan_item_month"
            )
        ]

    def __str__(self) -> str:
        return self.task[:40]


class PlanProgress(models.Model):
    """Progress on a plan item as recorded in one month's update: the share done so far, what
    was achieved, and (for numeric targets) the value reached."""

    item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="progress", verbose_name=_("plan item")
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    month = models.PositiveSmallIntegerField(verbose_name=_("month"))
    percent = models.PositiveSmallIntegerField(
        _("share done (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    value = models.DecimalField(
        _("value reached"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    text = models.TextField(_("progress"), blank=True)
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # First recorded (what timeliness reads) and last changed.
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    recorded_at = models.DateTimeField(auto_now=True, verbose_name=_("recorded at"))

    class Meta:
        ordering = ["year", "month"]
        verbose_name = _("plan progress")
        verbose_name_plural = _("plan progress")
        constraints = [
            models.UniqueConstraint(fields=["item", "year", "month"], name="one_progress_a_month"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="percent_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.percent}%"


class PlanEvent(models.Model):
    """The history of a plan: one row per write, with the plan as it stood afterwards."""

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.PROTECT, related_name="events", verbose_name=_("work plan")
    )
    kind = models.CharField(_("event"), max_length=16, choices=PlanEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"))
    reason = models.TextField(_("reason"), blank=True)
    snapshot = models.JSONField(default=dict, verbose_name=_("content snapshot"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("plan history entry")
        verbose_name_plural = _("plan history")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"
