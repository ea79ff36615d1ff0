"""The advanced-manufacturing doubling plan's targets (先进制造业倍增计划), per industry and year."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chains.matrix.models import Industry


class DoublingTarget(models.Model):
    """The advanced-manufacturing doubling plan (先进制造业倍增计划) for one industry: a base
    year's value of an indicator and the value to reach by the target year."""

    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        related_name="doubling_targets",
        verbose_name=_("industry"),
    )
    indicator = models.ForeignKey(
        "chains.Indicator", on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    base_year = models.PositiveSmallIntegerField(_("base year"))
    base_value = models.DecimalField(_("base value"), max_digits=18, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.DecimalField(_("target value"), max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["industry__position"]
        verbose_name = _("doubling-plan target")
        verbose_name_plural = _("doubling-plan targets")
        constraints = [
            models.UniqueConstraint(fields=["industry", "indicator"], name="one_doubling_target"),
            models.CheckConstraint(
                condition=models.Q(target_year__gt=models.F("base_year")),
                name="doubling_target_after_base",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.industry.name} {self.base_year}→{self.target_year}"
