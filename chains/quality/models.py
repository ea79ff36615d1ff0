"""Checks of the statistics for sense, DHIS2's validation rules and outlier review taken
further: rules administrators define over indicators, the thresholds of each indicator's
outlier check, and what a file's checks found (kept with its import, confirmed before the
import and explained afterwards on the 数据核查 list)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chains.figures.models import Enterprise, FigureImport, Indicator
from chains.matrix.models import Industry, SubSegment, Unit
from chains.quality.expressions import ExpressionError, parse


class Importance(models.TextChoices):
    ERROR = "error", _("Error: the file cannot be imported")
    WARNING = "warning", _("Warning: imported only once confirmed")


class Operator(models.TextChoices):
    LE = "<=", _("≤ (at most)")
    GE = ">=", _("≥ (at least)")
    EQ = "==", _("= (within the tolerance)")
    NE = "!=", _("≠ (differs by more than the tolerance)")


class RuleScope(models.TextChoices):
    SERIES = "series", _("Each industry, sub-segment, district or enterprise on its own")
    SUBSEGMENTS = "subsegments", _("Left: the sum of the sub-segments; right: the industry")
    DISTRICTS = "districts", _("Left: the sum of the districts; right: the whole city")


class ValidationRule(models.Model):
    """A left side compared with a right side, each an expression over indicators of the same
    industry (sub-segment, district) or enterprise and month: `{output-ytd} >= {output-month}`.
    chains.quality.expressions says what an expression may hold."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    left = models.CharField(pgettext_lazy("validation rule", "left side"), max_length=300)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(pgettext_lazy("validation rule", "right side"), max_length=300)
    scope = models.CharField(
        pgettext_lazy("validation rule", "compared"),
        max_length=12,
        choices=RuleScope.choices,
        default=RuleScope.SERIES,
    )
    tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=12,
        decimal_places=4,
        default=0,
        help_text=_("How far the two sides may differ and still agree."),
    )
    tolerance_is_percent = models.BooleanField(
        _("tolerance in % of the right side"),
        default=True,
        help_text=_("Unticked: the tolerance is in the figures' own unit (or points, for growth)."),
    )
    importance = models.CharField(
        _("importance"), max_length=8, choices=Importance.choices, default=Importance.WARNING
    )
    message = models.CharField(
        _("message"),
        max_length=200,
        help_text=_("Shown beside the figure, followed by both sides' values."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        known = set(Indicator.objects.values_list("code", flat=True))
        problems = {}
        for side in ("left", "right"):
            try:
                unknown = parse(getattr(self, side)).codes() - known
            except ExpressionError as exc:
                problems[side] = str(exc)
                continue
            if unknown:
                problems[side] = f"未知指标代码：{'、'.join(sorted(unknown))}。"
        if problems:
            raise ValidationError(problems)


class OutlierThreshold(models.Model):
    """How far an indicator's figure may stray from its own history before it is flagged: a
    robust z-score against the same series' last 24 months (median and MAD), and bounds on the
    year-on-year and month-on-month change. Blank: that check is off for the indicator."""

    indicator = models.OneToOneField(
        Indicator,
        on_delete=models.CASCADE,
        related_name="outlier_threshold",
        verbose_name=_("indicator"),
    )
    max_z = models.DecimalField(
        _("largest robust z-score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=3.5,
        help_text=_("Monthly indicators only; 3.5 is the usual threshold."),
    )
    min_history = models.PositiveSmallIntegerField(_("months of history needed"), default=6)
    yoy_min = models.DecimalField(
        _("lowest year-on-year growth (%)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    yoy_max = models.DecimalField(
        _("highest year-on-year growth (%)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    mom_max_ratio = models.DecimalField(
        _("largest change on the month before (times)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("3: flagged above 3 times or below a third of the month before."),
    )

    class Meta:
        verbose_name = _("outlier threshold")
        verbose_name_plural = _("outlier thresholds")

    def __str__(self) -> str:
        return str(self.indicator)


class FlagKind(models.TextChoices):
    RULE = "rule", _("Validation rule")
    OUTLIER = "outlier", _("Outlier")


# What makes a flag's figure: its import, series and month (a figure may carry several flags).
FLAG_FIGURE = (
    "source_id",
    "indicator_id",
    "industry_id",
    "subsegment_id",
    "district_id",
    "enterprise_id",
    "year",
    "month",
)


class FigureFlag(models.Model):
    """One finding of a file's checks: which figure, which rule or outlier test, the message.
    Kept with the import. A warning is confirmed (with a reason) before the import; a figure
    imported with a flag stays on the 数据核查 list until statistics staff explain it."""

    source = models.ForeignKey(
        FigureImport,
        on_delete=models.PROTECT,
        related_name="flags",
        verbose_name=_("statistics import"),
    )
    fingerprint = models.CharField(_("what was found"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=FlagKind.choices)
    test = models.CharField(_("check"), max_length=40)  # the rule's code, or "z", "yoy", "mom"
    rule = models.ForeignKey(
        ValidationRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validation rule"),
    )
    importance = models.CharField(_("importance"), max_length=8, choices=Importance.choices)
    sheet_row = models.PositiveIntegerField(_("sheet row"))
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("industry")
    )
    subsegment = models.ForeignKey(
        SubSegment,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("sub-segment"),
    )
    district = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("district")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("key enterprise"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True)
    message = models.CharField(_("message"), max_length=500)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True)
    confirmation = models.CharField(_("reason given on import"), max_length=300, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("explained by"),
    )
    explained_at = models.DateTimeField(_("explained"), null=True)
    # Found at the preview, no longer at the import (the figures around it changed between):
    # kept, never on the 数据核查 list.
    dropped_at = models.DateTimeField(_("no longer found at import"), null=True)
    # A later import carried the same figure (changed or repeated) and checked it again: the
    # flag leaves the 数据核查 list (the later import flags the figure itself if still wrong).
    checked_again_by = models.ForeignKey(
        "chains.FigureImport",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("checked again by import"),
    )

    class Meta:
        ordering = ["source", "sheet_row", "id"]
        verbose_name = _("flagged figure")
        verbose_name_plural = _("flagged figures")
        constraints = [
            models.UniqueConstraint(fields=["source", "fingerprint"], name="one_flag_per_finding")
        ]
        indexes = [
            models.Index(
                fields=["industry", "year", "month"],
                condition=models.Q(explained_at__isnull=True),
                name="unexplained_flags",
            )
        ]

    def __str__(self) -> str:
        return self.message


class IndustryMeasure(models.Model):
    """How an industry is measured (the source document's 产值或营收): its headline indicator —
    工业总产值 for a manufacturing cluster, 营业收入 for 商贸物流, 金融服务 and 文旅创意 — and,
    for a future industry whose figures the statistics bureau also counts in a cluster
    (前沿战略材料 in 新材料, 基因与生物技术 in 生物医药 …), that cluster: a city total adds each
    figure once, leaving such an industry out."""

    industry = models.OneToOneField(
        Industry, on_delete=models.CASCADE, related_name="measure", verbose_name=_("industry")
    )
    headline = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("headline indicator"),
        help_text=_(
            "A monthly indicator in money: the one the dashboard, the assessment and the reports show."
        ),
    )
    counted_in = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("already counted in"),
        help_text=_(
            "The industry whose figures include this one's: city totals leave this one out."
        ),
    )

    class Meta:
        ordering = ["industry__category__position", "industry__position"]
        verbose_name = _("industry measure")
        verbose_name_plural = _("industry measures")

    def __str__(self) -> str:
        return f"{self.industry}：{self.headline}"

    def clean(self) -> None:
        problems = {}
        if self.headline_id and (
            self.headline.period != "month" or self.headline.unit not in ("万元", "亿元")
        ):
            problems["headline"] = (
                "主要指标应为以金额计的当月指标（如工业总产值当月、营业收入当月）。"
            )
        if self.counted_in_id and self.counted_in_id == self.industry_id:
            problems["counted_in"] = "产业不能计入它自己。"
        if problems:
            raise ValidationError(problems)
