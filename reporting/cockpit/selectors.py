"""The cockpit (驾驶舱): the whole system on one screen for city leaders, the principal leaders
and the DRC. Everything here is read with the dashboard's own selectors (the month's
reporting, the figures) plus a few counts, so the two pages never disagree; the result is
cached with the dashboard's data version."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from chains.matrix.models import display_name
from chains.models import Industry
from reporting.choices import ActionStatus, ProblemStatus
from reporting.dashboard import selectors as dashboard
from reporting.models import ActionItem, Instruction, Meeting, Problem, Project, ReportingPeriod
from reporting.supervision.board import overdue_q

EVENT_DAYS = 30  # the key events: the last thirty days (and meetings of the next thirty)
EVENTS_SHOWN = 6


@dataclass
class IndustryLine:
    """One industry's headline indicator (产值 or 营收) for the figures' latest month."""

    industry: Industry
    own: bool  # led by the reader (a city leader's own industries come first)
    indicator: str
    cumulative: bool  # the year to date (1–N月累计) rather than the month
    unit: str
    value: object  # Decimal or None
    yoy: object  # Decimal or None: year-on-year growth in %
    flagged: bool  # marked by the statistics' checks and not yet explained

    @property
    def shown(self) -> tuple:
        """The value as the cockpit shows it: 万元 in 亿元 (two decimals), with its unit."""
        if self.value is None:
            return None, ""
        if self.unit == "万元":
            return round(float(self.value) / 10000, 2), "亿元"
        return round(float(self.value), 2), self.unit


def headline_lines(figures: dict, own: set[int]) -> list[IndustryLine]:
    """Each industry's headline indicator from figures_summary, the reader's own industries
    first: its year to date (1–N月累计), where the bureau gives the growth, else its month."""
    indicators = figures["indicators"]
    lines = []
    for industry, cells in figures["table"]:
        row = dict(zip(indicators, cells, strict=True))
        # its headline indicator; where none is set, its first indicator with a figure
        headline = next((i for i, cell in row.items() if cell["headline"]), None) or next(
            (i for i, cell in row.items() if cell["value"] is not None), None
        )
        # the same indicator's year to date, when the figures have it
        shown = next(
            (
                i
                for i in indicators
                if headline
                and i.name == headline.name
                and i.period == "cumulative"
                and row[i]["value"] is not None
            ),
            headline,
        )
        if shown is None:  # no figure yet for the industry's headline indicator
            lines.append(
                IndustryLine(industry, industry.pk in own, "", False, "", None, None, False)
            )
            continue
        cell = row[shown]
        lines.append(
            IndustryLine(
                industry=industry,
                own=industry.pk in own,
                indicator=display_name(shown.name, shown.name_en),
                cumulative=shown.period == "cumulative",
                unit=shown.unit,
                value=cell["value"],
                yoy=cell["yoy"],
                flagged=cell["flagged"],
            )
        )
    return sorted(lines, key=lambda line: not line.own)  # stable: the matrix's order within


def events(industries: QuerySet[Industry], today: datetime.date, *, city_wide: bool) -> dict:
    """The key events: projects signed or started, coordination meetings held or coming, and
    instructions written, in the last thirty days. Three queries."""
    since, until = (
        today - datetime.timedelta(days=EVENT_DAYS),
        today + datetime.timedelta(days=EVENT_DAYS),
    )
    projects = (
        Project.objects.filter(industry__in=industries, removed_at__isnull=True)
        .filter(Q(signed_on__range=(since, today)) | Q(started_on__range=(since, today)))
        .select_related("industry", "district")
        .order_by(F("investment").desc(nulls_last=True), "-pk")[:EVENTS_SHOWN]
    )
    meetings = (
        Meeting.objects.filter(industry__in=industries, date__range=(since, until))
        .select_related("industry", "chair")
        .order_by("-date", "-pk")[:EVENTS_SHOWN]
    )
    written = Q(industry__in=industries)
    if city_wide:  # instructions on a final report concern no one industry
        written |= Q(industry__isnull=True)
    instructions = (
        Instruction.objects.filter(written, created_at__date__gte=since)
        .select_related("author", "industry")
        .order_by("-created_at", "-pk")[:EVENTS_SHOWN]
    )
    return {
        "projects": list(projects),
        "meetings": list(meetings),
        "instructions": list(instructions),
        "since": since,
    }


def cockpit(
    industries: QuerySet[Industry],
    own: set[int],
    period: ReportingPeriod,
    today: datetime.date,
    *,
    city_wide: bool,
) -> dict:
    """Everything the cockpit shows for `industries` (those the reader may view), `period` the
    month being reported on. About fifteen queries, cached by the caller."""
    reporting = dashboard.reporting(period, industries, today)
    totals = reporting["totals"]
    problems = Problem.objects.filter(
        dashboard.FILED_PROBLEMS, update__industry__in=industries
    ).aggregate(
        open=Count("id", filter=~Q(status=ProblemStatus.RESOLVED)),
        escalated=Count("id", filter=Q(status=ProblemStatus.ESCALATED)),
    )
    actions = ActionItem.objects.filter(industry__in=industries).aggregate(
        open=Count("id", filter=Q(status__in=ActionStatus.open_values())),
        overdue=Count("id", filter=overdue_q(today)),
    )
    figures = dashboard.figures_summary(industries, period)
    return {
        "reporting": totals,
        "completeness": round(totals["received"] * 100 / totals["expected"])
        if totals["expected"]
        else None,
        "as_of": reporting["as_of"],
        "problems": problems,
        "actions": actions,
        "lines": headline_lines(figures, own),
        "figures_month": (figures["year"], figures["month"]) if figures["year"] else None,
        "events": events(industries, today, city_wide=city_wide),
    }


def chart_data(lines: list[IndustryLine]) -> dict:
    """The chart's series (JSON for static/js/cockpit.js): each industry with a figure, its
    headline value in 亿元 and its growth (None where the bureau gives none). The page's table
    holds the same lines."""
    shown = [line for line in lines if line.value is not None]
    return {
        "names": [line.industry.display_name for line in shown],
        "values": [line.shown[0] for line in shown],
        "yoy": [round(float(line.yoy), 1) if line.yoy is not None else None for line in shown],
        "indicators": [line.indicator for line in shown],
    }
