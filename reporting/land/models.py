"""Land and space items (空间统筹) units report with their monthly updates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reporting.choices import (
    AreaUnit,
    LandKind,
    LandStatus,
)


class LandItem(models.Model):
    """A land or space item a unit reports (空间统筹): land supplied, a mixed-use or
    standard-land plot, inefficient land consolidated, general-purpose factory space, an
    enclave cooperation, or approved-but-unsupplied land to dispose of."""

    unit = models.ForeignKey(
        "chains.Unit", on_delete=models.PROTECT, related_name="land_items", verbose_name=_("unit")
    )
    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="land_items",
        verbose_name=_("industry"),
    )
    carrier = models.ForeignKey(
        "chains.CarrierArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="land_items",
        verbose_name=_("carrier area"),
    )
    update = models.ForeignKey(
        "reporting.MonthlyUpdate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="land_items",
        editable=False,
        verbose_name=_("monthly update"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("kind"), max_length=24, choices=LandKind.choices)
    name = models.CharField(_("plot or project"), max_length=200)
    area = models.DecimalField(_("area"), max_digits=14, decimal_places=2)
    area_unit = models.CharField(
        _("area unit"), max_length=4, choices=AreaUnit.choices, default=AreaUnit.MU
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LandStatus.choices, default=LandStatus.PLANNED
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    is_demo = models.BooleanField(default=False, editable=False, verbose_name=_("demo data"))

    class Meta:
        ordering = ["-year", "-month", "kind", "id"]
        verbose_name = _("land item")
        verbose_name_plural = _("land items")
        indexes = [models.Index(fields=["unit", "year"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(area__gt=0), name="land_area_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def area_mu(self):
        return AreaUnit.to_mu(self.area, self.area_unit)
