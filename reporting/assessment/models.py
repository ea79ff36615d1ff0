"""The admin-defined indicators of the districts' differentiated assessment (市对区差异化考核)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from reporting.choices import AssessmentMetric


class AssessmentIndicator(models.Model):
    """An indicator of the districts' differentiated assessment: what is measured, its weight,
    and the value that earns full marks (or, for a lower-is-better measure, no marks)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    metric = models.CharField(_("measure"), max_length=24, choices=AssessmentMetric.choices)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    full_marks_at = models.DecimalField(
        _("value for full marks"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0.01)],
        help_text=_(
            "Higher-is-better measures score value ÷ this × 100, capped at 100; "
            "lower-is-better measures score 100 − value ÷ this × 100, floored at 0."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("assessment indicator")
        verbose_name_plural = _("assessment indicators")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(full_marks_at__gt=0), name="full_marks_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DistrictNarrative(models.Model):
    """A district's or development zone's own summary of its leading industries' year
    (市发改委定期汇总各区(开发区)推进产业发展情况), carried by the annual report next to the computed
    scores. Each save is a new row: the latest is the text, the others its history."""

    unit = models.ForeignKey(
        "chains.Unit",
        on_delete=models.PROTECT,
        related_name="narratives",
        limit_choices_to={"kind__in": ["district", "zone"]},
        verbose_name=_("district or development zone"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("summary of the year"))
    written_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-id"]
        verbose_name = _("district's summary of the year")
        verbose_name_plural = _("districts' summaries of the year")
        indexes = [models.Index(fields=["unit", "year", "-written_at"])]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year}"
