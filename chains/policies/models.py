"""The industry policy register (一产业一政策): each industry's policies, the instruments they
use, and the DRC's evaluations of them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chains.matrix.models import Industry, Unit


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
