"""The registers the matrix carries beyond who does what: the districts' leading industries and
carrier areas (空间统筹), each industry's policies and their evaluation (一产业一政策), and the
advanced-manufacturing doubling plan's targets."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chains.models.matrix import Industry, Unit


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


class Instrument(models.TextChoices):
    FISCAL = "fiscal", _("Fiscal funds")
    FINANCIAL = "financial", _("Financial tools")
    FUND = "fund", _("Industry funds")
    LAND = "land", _("Land")
    TALENT = "talent", _("Talent")
    TAX = "tax", _("Tax")
    OTHER = "other", _("Other")


class Policy(models.Model):
    """One policy of an industry's register (一产业一政策)."""

    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="policies", verbose_name=_("industry")
    )
    title = models.CharField(_("policy title"), max_length=200)
    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="policies", verbose_name=_("issuing unit")
    )
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    issued_on = models.DateField(_("issued"))
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    instruments = models.JSONField(_("instruments"), default=list, blank=True)
    budget = models.DecimalField(
        _("budget (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    summary = models.TextField(_("summary"), blank=True)
    # Optimistic concurrency: an edit names the version it read.
    version = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    is_demo = models.BooleanField(default=False, editable=False, verbose_name=_("demo data"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="policy_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def instrument_labels(self) -> list[str]:
        labels = dict(Instrument.choices)
        return [str(labels.get(code, code)) for code in self.instruments]


SCORE = [MinValueValidator(0), MaxValueValidator(100)]


class PolicyEvaluation(models.Model):
    """The DRC's evaluation of a policy's performance on the source's three dimensions."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("policy")
    )
    evaluated_on = models.DateField(_("evaluated"))
    concentration = models.PositiveSmallIntegerField(_("concentration"), validators=SCORE)
    precision = models.PositiveSmallIntegerField(_("precision"), validators=SCORE)
    fit = models.PositiveSmallIntegerField(_("fit"), validators=SCORE)
    comment = models.TextField(_("comment"), blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("evaluator"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        verbose_name = _("policy evaluation")
        verbose_name_plural = _("policy evaluations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(concentration__lte=100, precision__lte=100, fit__lte=100),
                name="evaluation_scores_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy} {self.evaluated_on}"

    @property
    def average(self) -> float:
        return round((self.concentration + self.precision + self.fit) / 3, 1)


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
