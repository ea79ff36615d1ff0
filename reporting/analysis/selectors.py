"""Reads of the statistics bureau's monthly analysis: a month's analyses and whether its figures
have arrived (for its page, the dashboard and the monthly report), the history of one, and what
is still owed. Each a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from chains.choices import ImportKind
from chains.figures.models import ImportStatus
from chains.models import FigureImport, Industry
from reporting.models import AnalysisEvent, ReportingPeriod, StatisticsAnalysis


class AnalysisState:
    """Where one analysis of a month stands (its CSS class and the words for it)."""

    ON_TIME = "on_time"
    LATE = "late"
    NOT_DUE = "not_due"
    MISSING = "missing"


@dataclass
class AnalysisRow:
    industry: Industry | None  # None: the city as a whole
    analysis: StatisticsAnalysis | None
    state: str

    @property
    def scope(self) -> str:
        """The analysis's scope in URLs: the industry's code, or "city"."""
        return self.industry.code if self.industry is not None else "city"

    @property
    def arrived(self) -> bool:
        return self.analysis is not None


@dataclass
class MonthAnalysis:
    """A month's statistics: the import that brought its industry figures (None: not arrived),
    the city-wide analysis and each industry's, and how many are in."""

    period: ReportingPeriod
    figures: FigureImport | None
    city: AnalysisRow
    rows: list[AnalysisRow] = field(default_factory=list)

    @property
    def received(self) -> int:
        return sum(row.arrived for row in [self.city, *self.rows])

    @property
    def expected(self) -> int:
        return 1 + len(self.rows)


def state_of(
    analysis: StatisticsAnalysis | None, deadline: datetime.date, today: datetime.date
) -> str:
    if analysis is not None:
        arrived = timezone.localdate(analysis.first_submitted_at)
        return AnalysisState.ON_TIME if arrived <= deadline else AnalysisState.LATE
    return AnalysisState.NOT_DUE if today <= deadline else AnalysisState.MISSING


def month_analyses(period: ReportingPeriod) -> dict[int | None, StatisticsAnalysis]:
    """The month's analyses by industry id (None: the city-wide one). One query."""
    return {
        a.industry_id: a
        for a in StatisticsAnalysis.objects.filter(period=period).select_related(
            "author__unit", "industry"
        )
    }


def figures_arrival(period: ReportingPeriod) -> FigureImport | None:
    """The latest applied import of industry figures covering the month, if any. One query:
    the imports applied since the month began (none before can hold its figures), whose
    `months` are read here (a JSON list, which SQLite cannot search)."""
    imports = FigureImport.objects.filter(
        kind=ImportKind.INDUSTRY_FIGURES,
        status=ImportStatus.APPLIED,
        applied_at__date__gte=period.first_day,
    ).select_related("uploaded_by")
    covering = [record for record in imports if period.slug in record.months]
    return max(covering, key=lambda r: r.applied_at, default=None)


def month_status(
    period: ReportingPeriod, industries: QuerySet[Industry], today: datetime.date
) -> MonthAnalysis:
    """The month's statistics as of `today` for `industries` (and the city): three queries."""
    analyses = month_analyses(period)
    deadline = period.analysis_deadline

    def row(industry):
        analysis = analyses.get(industry.pk if industry is not None else None)
        return AnalysisRow(industry, analysis, state_of(analysis, deadline, today))

    return MonthAnalysis(
        period=period,
        figures=figures_arrival(period),
        city=row(None),
        rows=[row(industry) for industry in industries],
    )


def analysis_for(period: ReportingPeriod, industry: Industry | None) -> StatisticsAnalysis | None:
    return (
        StatisticsAnalysis.objects.filter(period=period, industry=industry)
        .select_related("author__unit")
        .first()
    )


def analysis_history(analysis: StatisticsAnalysis | None) -> list[AnalysisEvent]:
    """Every write of the analysis, newest first, with who made it."""
    if analysis is None:
        return []
    return list(analysis.events.select_related("actor__unit").order_by("-at", "-id"))


def owing(period: ReportingPeriod) -> list[Industry | None]:
    """What the statistics bureau still owes for the month: None for the city-wide analysis,
    then each industry without one, in matrix order. Two queries."""
    done = set(
        StatisticsAnalysis.objects.filter(period=period).values_list("industry_id", flat=True)
    )
    missing: list[Industry | None] = [] if None in done else [None]
    missing += [
        industry
        for industry in Industry.objects.order_by("category__position", "position")
        if industry.pk not in done
    ]
    return missing


def byline(analysis: StatisticsAnalysis) -> str:
    """What the report prints under the text: 统计部门：市统计局 · 张三 · 2026年11月12日 16:30."""
    at = timezone.localtime(analysis.submitted_at)
    unit = analysis.author.unit.name if analysis.author.unit_id else "市统计局"
    return (
        f"统计部门：{unit} · {analysis.author.display_name} · "
        f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"
    )
