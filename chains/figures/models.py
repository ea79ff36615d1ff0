"""The statistics bureau's figures: indicators, values per industry or sub-segment (and
district) and month, key enterprises with their tiers and monthly figures. Every value belongs
to the import that brought it; re-importing a month makes a new revision current and keeps the
old one."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chains import creditcode
from chains.choices import ImportKind
from chains.figures.layout import LAST_YEAR_WORDS, YOY_WORDS
from chains.matrix.models import BilingualNameMixin, Industry, SubSegment, Unit


class IndicatorPeriod(models.TextChoices):
    MONTH = "month", _("For the month (当月)")
    CUMULATIVE = "cumulative", _("Cumulative, January to the month (1–N月累计)")


class Indicator(BilingualNameMixin, models.Model):
    """An admin-defined indicator, e.g. 工业总产值 for the month, in 万元. One no longer
    collected is deactivated, not deleted: its figures stay (and show), the statistics
    templates leave it out and the import refuses new values of it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    aliases = models.CharField(
        _("other names in files"),
        max_length=200,
        blank=True,
        help_text=_("Separated by commas, e.g. 产值,工业产值"),
    )
    unit = models.CharField(
        _("unit"), max_length=10, choices=[("万元", "万元"), ("亿元", "亿元"), ("%", "%")]
    )
    period = models.CharField(
        pgettext_lazy("indicator", "period"), max_length=12, choices=IndicatorPeriod.choices
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_(
            "Only indicators in use appear in the statistics templates and are imported; the "
            "figures of one no longer in use stay and still show."
        ),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["name", "period"], name="unique_indicator_name_period")
        ]

    def __str__(self) -> str:
        label = "当月" if self.period == IndicatorPeriod.MONTH else "累计"
        return f"{self.name}（{label}，{self.unit}）"

    def clean(self) -> None:
        # The importer reads a column headed 增速 or 同比 as the growth of the column before
        # it, and one headed 上年 as last year's: an indicator so named would be misread in
        # the very templates built from it.

        words = [w for w in (*YOY_WORDS, *LAST_YEAR_WORDS) if w in f"{self.name},{self.aliases}"]
        if words:
            raise ValidationError(
                {
                    "name" if any(w in self.name for w in words) else "aliases": (
                        f"指标名称和别名中不能有“{'”“'.join(words)}”：导入时，表头含这些字样的列"
                        "按同比增速或上年数据读取。增速请填在对应指标的“同比增长(%)”列中。"
                    )
                }
            )


class Tier(models.TextChoices):
    HIGH_TECH = "high_tech", _("National high-tech enterprise")
    LITTLE_GIANT = "little_giant", _('Specialised and sophisticated "little giant"')
    UNICORN = "unicorn", _("Unicorn")
    HIDDEN_CHAMPION = "hidden_champion", _("Hidden champion")
    SINGLE_CHAMPION = "single_champion", _("Manufacturing single champion")


def validate_credit_code(value: str) -> None:
    reason = creditcode.problem(value)
    if reason:
        raise ValidationError(reason)


class Enterprise(models.Model):
    """A key enterprise, known by its unified social credit code."""

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("district"),
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("industry")
    )
    subsegment = models.ForeignKey(
        SubSegment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("sub-segment"),
    )
    above_size = models.BooleanField(_("above designated size"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("key enterprise")
        verbose_name_plural = _("key enterprises")
        indexes = [models.Index(fields=["industry", "district"])]

    def __str__(self) -> str:
        return self.name


class TierStage(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    RECOGNISED = "recognised", _("Recognised")


class EnterpriseTier(models.Model):
    """A cultivation tier an enterprise was granted (or is being cultivated for), and the year
    it was granted (or entered the pipeline)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("key enterprise")
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    stage = models.CharField(
        pgettext_lazy("cultivation tier", "stage"),
        max_length=12,
        choices=TierStage.choices,
        default=TierStage.RECOGNISED,
    )
    year = models.PositiveSmallIntegerField(_("year granted"))

    class Meta:
        ordering = ["tier"]
        verbose_name = _("cultivation tier")
        verbose_name_plural = _("cultivation tiers")
        constraints = [models.UniqueConstraint(fields=["enterprise", "tier"], name="one_tier_each")]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} {self.year}"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Previewed, not imported")
    APPLIED = "applied", _("Imported")
    REFUSED = "refused", _("Refused")


def import_path(instance, filename):
    return f"statistics/{instance.uploaded_at:%Y/%m}/{instance.sha256[:16]}-{filename[-80:]}"


class FigureImport(models.Model):
    """One file from the statistics bureau: who sent it, when, the file itself, and what it did.
    The figures it brought are a revision of their months; the newest applied one is current."""

    kind = models.CharField(_("file type"), max_length=24, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    file = models.FileField(_("file"), upload_to=import_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 checksum"))
    months = models.JSONField(_("months"), default=list)  # ["2026-10", ...]
    month = models.CharField(_("month given on upload"), max_length=7, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)
    rows_added = models.PositiveIntegerField(_("rows added"), default=0)
    rows_changed = models.PositiveIntegerField(_("rows changed"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The figures the file changes, largest change first (validating.MAX_CHANGES of them), and
    # how many findings its checks for sense made (chains.quality: the first 2,000 are kept).
    changes = models.JSONField(_("changes"), default=list, blank=True)
    findings_total = models.PositiveIntegerField(_("findings of the checks"), default=0)
    # A refused file is kept 30 days after its upload (to show what was wrong), then deleted;
    # the record stays.
    file_purged_at = models.DateTimeField(_("file deleted"), null=True, blank=True)
    is_demo = models.BooleanField(default=False, editable=False, verbose_name=_("demo data"))

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("statistics import")
        verbose_name_plural = _("statistics imports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {'、'.join(self.months)} #{self.pk}"


class IndustryFigure(models.Model):
    """One value of one indicator for an industry (or a sub-segment of it), optionally for one
    district, in one month, as brought by one import."""

    source = models.ForeignKey(
        FigureImport,
        on_delete=models.PROTECT,
        related_name="industry_figures",
        verbose_name=_("statistics import"),
    )
    is_current = models.BooleanField(default=True, verbose_name=_("current"))
    superseded_by = models.ForeignKey(
        FigureImport,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("superseded by import"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("indicator"),
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="figures", verbose_name=_("industry")
    )
    subsegment = models.ForeignKey(
        SubSegment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("sub-segment"),
    )
    district = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name=_("district"),
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    month = models.PositiveSmallIntegerField(verbose_name=_("month"))
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, verbose_name=_("value"))
    yoy = models.DecimalField(
        _("year-on-year growth (%)"), max_digits=9, decimal_places=2, null=True
    )

    class Meta:
        verbose_name = _("industry figure")
        verbose_name_plural = _("industry figures")
        indexes = [
            models.Index(
                fields=["industry", "year", "month"],
                condition=models.Q(is_current=True),
                name="current_industry_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.value}"


class EnterpriseFigure(models.Model):
    """One value of one indicator for a key enterprise in one month, as brought by one import.

    The statistics bureau sends these by the hundred thousand, so the table is kept lean for
    bulk loading. Its references are not row-by-row foreign keys, whose per-row checks cost
    PostgreSQL twice as long as storing the rows: on PostgreSQL, triggers installed by
    migration 0004 check each statement's new rows at once (locking the rows they refer to,
    as a foreign key does) and refuse to delete anything a figure refers to. Django's PROTECT
    still guards deletions made through the ORM, on every database."""

    source = models.ForeignKey(
        FigureImport,
        on_delete=models.PROTECT,
        related_name="enterprise_figures",
        db_constraint=False,
        db_index=False,  # a BRIN index on PostgreSQL, made by migration 0004
        verbose_name=_("statistics import"),
    )
    is_current = models.BooleanField(default=True, verbose_name=_("current"))
    superseded_by = models.ForeignKey(
        FigureImport,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,  # indexed below where set: rows arrive without it
        verbose_name=_("superseded by import"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("indicator"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="figures",
        db_constraint=False,
        db_index=False,  # the index by enterprise and month below serves lookups by enterprise
        verbose_name=_("key enterprise"),
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    month = models.PositiveSmallIntegerField(verbose_name=_("month"))
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, verbose_name=_("value"))
    yoy = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, verbose_name=_("year-on-year growth (%)")
    )

    class Meta:
        verbose_name = _("enterprise figure")
        verbose_name_plural = _("enterprise figures")
        indexes = [
            models.Index(
                fields=["enterprise", "year", "month"], name="enterprise_figures_by_month"
            ),
            # The current revision alone, month by month: an import's checks and the pages
            # (a month's movers on the dashboard) read only these, in the same time however
            # many revisions are stored behind them (issue 20).
            models.Index(
                fields=["year", "month", "enterprise"],
                condition=models.Q(is_current=True),
                name="current_enterprise_figures",
            ),
            models.Index(
                fields=["superseded_by"],
                condition=models.Q(superseded_by__isnull=False),
                name="enterprise_figures_superseded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.value}"
