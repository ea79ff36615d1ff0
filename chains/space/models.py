"""Where the industries are (空间统筹): the industries each district or development zone leads on
(主导产业), which its differentiated assessment weighs, and the carrier areas (产业载体) that host
the industries."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chains.matrix.models import Industry, Unit


class LeadingIndustry(models.Model):
    """An industry a district or development zone leads on (主导产业): it enters the city's
    differentiated assessment of that district."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="leading_industries",
        verbose_name=_("district or development zone"),
        limit_choices_to={"kind__in": ["district", "zone"]},
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="leading_units", verbose_name=_("industry")
    )

    class Meta:
        ordering = ["unit__position", "industry__position"]
        verbose_name = _("leading industry")
        verbose_name_plural = _("leading industries")
        constraints = [
            models.UniqueConstraint(fields=["unit", "industry"], name="one_leading_industry_each")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.industry.name}"


class CarrierKind(models.TextChoices):
    MAIN = "main", _("Main carrier area")
    PARK = "park", _("Industrial park")
    ENCLAVE = "enclave", _("Enclave park")


class CarrierArea(models.Model):
    """A spatial carrier (主承载区 or park) of one or more industries, in one district."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=CarrierKind.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="carrier_areas",
        verbose_name=_("district or development zone"),
    )
    industries = models.ManyToManyField(
        Industry, related_name="carrier_areas", verbose_name=_("industries")
    )
    area_mu = models.DecimalField(
        _("planned area (mu)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(default=False, editable=False, verbose_name=_("demo data"))

    class Meta:
        ordering = ["unit__position", "name"]
        verbose_name = _("carrier area")
        verbose_name_plural = _("carrier areas")

    def __str__(self) -> str:
        return self.name
