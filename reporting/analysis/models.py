"""The statistics bureau's monthly analysis (统计分析): for each month, one text per industry
and one for the whole city, written by statistics staff, with the whole history of its text."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reporting.periods.models import ReportingPeriod


class AnalysisEventKind(models.TextChoices):
    """Entries of an analysis's history; every write leaves exactly one."""

    SUBMITTED = "submitted", pgettext_lazy("analysis history", "Submitted")
    REVISED = "revised", pgettext_lazy("analysis history", "Revised")
    CONFLICT_KEPT = "conflict_kept", _("Refused concurrent save (text kept)")


class StatisticsAnalysis(models.Model):
    """The statistics bureau's analysis of one month: of one industry's output or revenue, its
    sub-segments and key enterprises, or (industry empty) of the city as a whole. Saving it is
    sending it (报送); a later save revises it, and every text it had stays in its history."""

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="analyses",
        verbose_name=_("period"),
    )
    industry = models.ForeignKey(
        "chains.Industry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="analyses",
        verbose_name=_("industry"),
        help_text=_("Empty: the analysis of the city as a whole."),
    )
    text = models.TextField(_("analysis"))
    # Who wrote the text as it now stands, and when: the report prints it under their name.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("analyst"),
    )
    submitted_at = models.DateTimeField(_("sent"))
    # When it first arrived: on time or late is judged by this.
    first_submitted_at = models.DateTimeField(_("first sent"))
    # Optimistic concurrency: every write must name the version it read.
    version = models.PositiveIntegerField(_("version"), default=1)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        ordering = ["-period__year", "-period__month", "industry__position"]
        verbose_name = _("statistics analysis")
        verbose_name_plural = _("statistics analyses")
        constraints = [
            # Two constraints: a unique (period, industry) would let any number of city-wide
            # analyses in, NULL being distinct from NULL.
            models.UniqueConstraint(
                fields=["period", "industry"],
                condition=Q(industry__isnull=False),
                name="one_analysis_per_industry_month",
            ),
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(industry__isnull=True),
                name="one_city_analysis_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.industry.name if self.industry_id else '城市总体'}"


class AnalysisEvent(models.Model):
    """The history of an analysis: one row per write, with who, when and the text as it stood
    afterwards (or, for a refused concurrent save, the text that was refused)."""

    analysis = models.ForeignKey(
        StatisticsAnalysis,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("statistics analysis"),
    )
    kind = models.CharField(_("event"), max_length=16, choices=AnalysisEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("time"))
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("analysis"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("statistics analysis history entry")
        verbose_name_plural = _("statistics analysis history")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"
