"""The DRC dashboard's reporting figures: for a month, per industry and per lead unit, how many
updates are expected, received (on time, late), not yet due and missing; and a grid of
industries × months. A fixed number of queries whatever the data size."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Min, Q, QuerySet

from chains.figures.models import Tier, TierStage
from chains.figures.selectors import industry_figures
from chains.models import (
    Enterprise,
    EnterpriseTier,
    Indicator,
    Industry,
    IndustryFigure,
    Unit,
)
from chains.quality.selectors import flagged_figures, industry_measures
from portal import dataversion
from portal.months import previous_month
from reporting.analysis.selectors import MonthAnalysis, month_status
from reporting.assessment.scoring import completion_percent, completion_rows
from reporting.choices import ActionStatus, ProblemStatus, ProblemType, UpdateStatus
from reporting.dashboard.depends import figure_window
from reporting.land.selectors import land_totals
from reporting.models import ActionItem, MonthlyUpdate, Problem, Project, ReportingPeriod
from reporting.periods.workdays import WorkCalendar
from reporting.projects import selectors as project_selectors
from reporting.supervision.board import overdue_q
from reporting.supervision.selectors import action_light
from reporting.updates.selectors import reporting_status

COUNTS = ("expected", "received", "on_time", "late", "not_due", "missing")

# The problems the overview counts: those of updates submitted at least once, and those the DRC
# took up from a draft. A draft's save replaces only its own open problems, so it changes
# nothing the overview shows.
FILED_PROBLEMS = Q(update__first_submitted_at__isnull=False) | ~Q(status=ProblemStatus.OPEN)


def reporting(
    period: ReportingPeriod, industries: QuerySet[Industry], today: datetime.date
) -> dict:
    """The month's reporting as of `today`: each industry (rows) and each lead unit (units) with
    expected, received, on_time, late, not_due (未到期) and missing (未报, past the deadline),
    and the totals. The reports count with the same selector, so the two agree."""
    status = reporting_status([period], industries, today)

    def counted(obj, tally):
        for name in COUNTS:
            setattr(obj, name, getattr(tally, name))
        return obj

    return {
        "rows": [counted(i, status.by_industry[i.pk]) for i in status.industries],
        "units": [counted(u, tally) for u, tally in status.by_unit.values()],
        "totals": {name: getattr(status.total, name) for name in COUNTS},
        "as_of": status.as_of,
    }


@dataclass
class GridCell:
    period: ReportingPeriod
    expected: int
    received: int
    accepted: int
    update_id: int | None  # the update, when the industry has a single lead unit's
    state: str  # accepted / complete / partial / missing / open (month not yet due)


def grid(
    industries: list[Industry],
    periods: list[ReportingPeriod],
    expected: dict[int, int],
    today: datetime.date,
) -> list[tuple]:
    """Industries × months, each cell coloured by how much of the month's reporting came in."""
    cells = {
        (row["industry_id"], row["period_id"]): row
        for row in MonthlyUpdate.objects.filter(period__in=periods, industry__in=industries)
        .values("industry_id", "period_id")
        .annotate(
            received=Count("id", filter=Q(first_submitted_at__isnull=False)),
            accepted=Count("id", filter=Q(status=UpdateStatus.ACCEPTED)),
            # A draft shows nowhere on the dashboard (its save invalidates nothing there).
            first=Min("id", filter=Q(first_submitted_at__isnull=False)),
        )
    }
    table = []
    for industry in industries:
        row = []
        for period in periods:
            data = cells.get((industry.pk, period.pk), {})
            want = expected.get(industry.pk, 0)
            received, accepted = data.get("received", 0), data.get("accepted", 0)
            if want and accepted >= want:
                state = "accepted"
            elif want and received >= want:
                state = "complete"
            elif received:
                state = "partial"
            elif today <= period.deadline:
                state = "open"
            else:
                state = "missing"
            row.append(
                GridCell(
                    period,
                    want,
                    received,
                    accepted,
                    data.get("first") if received == 1 and want == 1 else None,
                    state,
                )
            )
        table.append((industry, row))
    return table


def problems_summary(industries: QuerySet[Industry], today: datetime.date) -> dict:
    """Open problems by type, by industry and by age, and those awaiting a meeting: those
    filed or taken up by the DRC (FILED_PROBLEMS)."""
    open_problems = Problem.objects.filter(FILED_PROBLEMS, update__industry__in=industries).exclude(
        status=ProblemStatus.RESOLVED
    )
    # A problem's age runs from its month's deadline, when it was reported.
    month_ago, quarter_ago = (
        today - datetime.timedelta(days=30),
        today - datetime.timedelta(days=90),
    )
    deadline = "update__period__deadline"
    # By type, by industry and by age in one query: grouped by both, added up here.
    groups = (
        open_problems.order_by()
        .values("type", "update__industry__name")
        .annotate(
            n=Count("id"),
            recent=Count("id", filter=Q(**{f"{deadline}__gte": month_ago})),
            months=Count(
                "id", filter=Q(**{f"{deadline}__lt": month_ago, f"{deadline}__gte": quarter_ago})
            ),
            older=Count("id", filter=Q(**{f"{deadline}__lt": quarter_ago})),
        )
    )
    per_type, per_industry = Counter(), Counter()
    ages = {"recent": 0, "months": 0, "older": 0}
    for row in groups:
        per_type[row["type"]] += row["n"]
        per_industry[row["update__industry__name"]] += row["n"]
        for age in ages:
            ages[age] += row[age]
    types = dict(ProblemType.choices)
    by_type = [(types.get(t, t), n) for t, n in per_type.most_common()]
    by_industry = [
        {"update__industry__name": name, "n": n} for name, n in per_industry.most_common()
    ]
    awaiting = list(
        open_problems.filter(status=ProblemStatus.ESCALATED)
        .select_related("update__industry", "update__unit")
        .order_by("escalated_at")[:50]
    )
    return {
        "by_type": by_type,
        "by_industry": by_industry,
        "ages": ages,
        "awaiting": awaiting,
        "total": sum(n for _t, n in by_type),
    }


def actions_summary(industries: QuerySet[Industry], today: datetime.date) -> dict:

    actions = ActionItem.objects.filter(industry__in=industries)
    is_open = Q(status__in=ActionStatus.open_values())
    counts = actions.aggregate(
        open=Count("id", filter=is_open),
        overdue=Count("id", filter=overdue_q(today)),
        closed=Count("id", filter=Q(status=ActionStatus.CLOSED)),
    )
    calendar = WorkCalendar.current()
    recent = list(
        actions.filter(is_open | Q(status=ActionStatus.CLOSED))
        .select_related("unit", "industry")
        .order_by(F("closed_at").asc(nulls_first=True), "deadline")[:50]
    )
    return {"counts": counts, "items": [(a, action_light(a, today, calendar)) for a in recent]}


def trend(industry: Industry, period: ReportingPeriod) -> dict:
    """The industry's monthly output (or revenue) over the last 13 months, for the chart and
    the table beside it: one query."""
    months = []
    year, month = period.year, period.month
    for _ in range(13):
        months.append((year, month))
        year, month = previous_month(year, month)
    months.reverse()
    which = Q()
    for y, m in months:
        which |= Q(year=y, month=m)
    rows = IndustryFigure.objects.filter(
        which,
        is_current=True,
        industry=industry,
        subsegment__isnull=True,
        district__isnull=True,
        indicator__period="month",
    ).values_list("indicator__name", "year", "month", "value")
    series: dict[str, dict] = {}
    for name, y, m, value in rows:
        series.setdefault(name, {})[(y, m)] = float(value) if value is not None else None
    return {
        "labels": [f"{y}.{m}" for y, m in months],
        "series": [
            {"name": name, "data": [values.get(ym) for ym in months]}
            for name, values in series.items()
        ],
    }


def cached(key_parts: tuple, compute, depends: Iterable[str], timeout: int = 60 * 60):
    """`compute()`, cached under `key_parts` and the versions of the topics it `depends` on
    (reporting.dashboard.depends)."""
    return dataversion.cached(("dashboard", *key_parts), compute, depends, timeout=timeout)


def enterprises_summary(
    industries: QuerySet[Industry], period: ReportingPeriod, district: Unit | None = None
) -> dict:
    """Key enterprises: counts by cultivation tier and by district, and the largest movers of
    the month's revenue against the month before. Aggregated and ranked in the database."""
    from django.db.models import FilteredRelation
    from django.db.models.functions import Abs

    enterprises = Enterprise.objects.filter(industry__in=industries)
    if district is not None:
        enterprises = enterprises.filter(district=district)
    tiers = dict(Tier.choices)
    by_tier = [
        (tiers.get(r["tier"], r["tier"]), r["n"])
        # Tiers held: candidates (培育对象) are counted on the cultivation page.
        for r in EnterpriseTier.objects.filter(
            enterprise__in=enterprises, stage=TierStage.RECOGNISED
        )
        .values("tier")
        .annotate(n=Count("id"))
        .order_by("-n")
    ]
    by_district = list(enterprises.values("district__name").annotate(n=Count("id")).order_by("-n"))
    previous = previous_month(period.year, period.month)
    revenue = Indicator.objects.filter(code="revenue-month").values_list("pk", flat=True).first()

    def month(year, month):
        # Joined once for all enterprises (a hash join), not looked up enterprise by enterprise.
        return FilteredRelation(
            "figures",
            condition=Q(
                figures__is_current=True,
                figures__year=year,
                figures__month=month,
                figures__indicator_id=revenue,
            ),
        )

    movers = list(
        enterprises.annotate(this=month(period.year, period.month), last=month(*previous))
        .filter(this__value__isnull=False, last__value__isnull=False)
        .annotate(
            now=F("this__value"),
            before=F("last__value"),
            change=F("this__value") - F("last__value"),
        )
        .order_by(Abs("change").desc(), "pk")
        .select_related("industry")[:10]
    )
    return {
        "total": enterprises.count(),
        "by_tier": by_tier,
        "by_district": by_district,
        "movers": movers,
    }


def land_summary(
    industries: QuerySet[Industry],
    period: ReportingPeriod,
    district: Unit | None = None,
    *,
    everything: bool = False,
) -> dict:
    """Land and space items of the period's year up to its month, per kind in mu (one query).
    Items tied to no industry count only when `everything` (a system-wide, unfiltered view)."""
    return land_totals(
        period.year,
        None if everything else industries,
        until_month=period.month,
        district=district,
    )


def pipeline_summary(
    industries: QuerySet[Industry], on: datetime.date, district: Unit | None = None
) -> project_selectors.Pipeline:
    """The project register of the industries (in the district, if given): by stage, industry
    and district, and the projects stuck longest (project_selectors.pipeline)."""
    projects = Project.objects.filter(industry__in=industries)
    if district is not None:
        projects = projects.filter(district=district)
    return project_selectors.pipeline(projects, on, stuck_limit=10)


def plans_summary(
    industries: QuerySet[Industry],
    period: ReportingPeriod,
    district: Unit | None = None,
    *,
    everything: bool = False,
) -> dict:
    """Completion of the year's accepted work plans as of the period's month: per plan (lead
    units' industry plans in scope, and districts' own plans in a system-wide unfiltered view;
    only the district's plans when filtered to a district, its own ones in a system-wide view
    unfiltered by industry) and per industry. One query;
    the same rule as the districts' assessment."""
    if district is not None:
        scope = Q(plan__unit=district)
        if not everything:  # a district's own plan is not one of a city leader's industries
            scope &= Q(plan__industry__in=industries)
    else:
        scope = Q(plan__industry__in=industries)
        if everything:
            scope |= Q(plan__industry__isnull=True)
    rows = list(
        completion_rows(
            "plan",
            "plan__unit__name",
            "plan__unit__position",
            "plan__industry__name",
            year=period.year,
            as_of_month=period.month,
            scope=scope,
            due=Count("id", filter=Q(due_month__lte=period.month)),
        ).order_by(F("plan__industry__position").asc(nulls_last=True), "plan__unit__position")
    )
    for row in rows:
        row["percent"] = completion_percent(row["points"], row["total"])
    by_industry = {}
    for row in rows:
        name = row["plan__industry__name"]
        if name:
            total, points = by_industry.get(name, (0, 0))
            by_industry[name] = (total + row["total"], points + row["points"])
    return {
        "year": period.year,
        "month": period.month,
        "plans": rows,
        "industries": [
            (name, completion_percent(points, total))
            for name, (total, points) in by_industry.items()
        ],
    }


def figures_summary(industries: QuerySet[Industry], period: ReportingPeriod) -> dict:
    """Each industry's whole-city figures for the latest month that has any, up to the
    period's month and less than two years before it (the bureau's figures come some weeks after
    the month, so the month being reported on usually has none yet): every indicator (for the month and cumulative) with
    year-on-year growth, supplied or computed from last year, each marked when flagged by the
    statistics' checks and not yet explained, each industry's headline indicator (产值或营收)
    marked, and a city total per indicator that adds each figure once (a future industry a
    cluster already counts is left out, and named). Six queries; `year` and
    `month` say which month the figures are (None when there are none)."""
    city = IndustryFigure.objects.filter(
        is_current=True,
        industry__in=industries,
        subsegment__isnull=True,
        district__isnull=True,
    )
    (first_year, first_month), *_rest = figure_window(period.year, period.month)
    latest = (
        city.filter(Q(year__lt=period.year) | Q(year=period.year, month__lte=period.month))
        .filter(Q(year__gt=first_year) | Q(year=first_year, month__gte=first_month))
        .order_by("-year", "-month")
        .values_list("year", "month")
        .first()
    )
    if latest is None:
        return {"indicators": [], "table": [], "year": None, "month": None}
    year, month = latest

    now, before = {}, {}
    for y, i, ind, v, yoy in city.filter(year__in=(year, year - 1), month=month).values_list(
        "year", "industry_id", "indicator_id", "value", "yoy"
    ):
        (now if y == year else before)[(i, ind)] = (v, yoy)
    indicators = [i for i in Indicator.objects.all() if any(k[1] == i.pk for k in now)]
    flagged = flagged_figures(years=[year])
    measures = industry_measures()
    shown = {industry.pk for industry in industries}
    table = []
    totals = {indicator.pk: [Decimal(0), Decimal(0), True] for indicator in indicators}
    for industry in industries:
        cells = []
        headline = measures.of(industry.pk)
        counted = measures.in_total(industry.pk, among=shown)
        for indicator in indicators:
            value, yoy = now.get((industry.pk, indicator.pk), (None, None))
            previous = before.get((industry.pk, indicator.pk), (None, None))[0]
            if yoy is None and value is not None and previous:
                yoy = (value / previous - 1) * 100
            mark = (industry.pk, None, None, indicator.pk, year, month) in flagged
            cells.append(
                {
                    "value": value,
                    "yoy": yoy,
                    "flagged": mark,
                    "headline": headline is not None and headline.pk == indicator.pk,
                }
            )
            if counted and value is not None:
                total = totals[indicator.pk]
                total[0] += value
                if previous:
                    total[1] += previous
                else:
                    total[2] = False  # a growth over part of the industries would mislead
        table.append((industry, cells))
    total_row = [
        {
            "value": totals[i.pk][0],
            "yoy": (totals[i.pk][0] / totals[i.pk][1] - 1) * 100
            if totals[i.pk][2] and totals[i.pk][1]
            else None,
        }
        for i in indicators
    ]
    left_out = [
        industry.name
        for industry, cells in table
        if not measures.in_total(industry.pk, among=shown)
        and any(c["value"] is not None for c in cells)
    ]
    return {
        "indicators": indicators,
        "table": table,
        "total": total_row if len(table) > 1 else None,
        "left_out": left_out,
        "year": year,
        "month": month,
        "flagged": any(c["flagged"] for _i, cells in table for c in cells),
    }


def breakdown(industry: Industry, period: ReportingPeriod) -> dict:
    """One industry's latest month by sub-segment and by district (the statistics selector)."""
    data = industry_figures(industry, period.year)
    first = data["indicators"][0] if data["indicators"] else None

    def series(group):
        return [
            {"name": label, "value": float(cells[first.pk]["value"])}
            for label, cells in data[group].items()
            if first and first.pk in cells and cells[first.pk]["value"] is not None
        ]

    return {
        "latest": data["latest"],
        "indicator": str(first) if first else "",
        "indicators": data["indicators"],
        "subsegments": data["subsegments"],
        "districts": data["districts"],
        "district_series": series("districts"),
    }


def analysis_summary(
    period: ReportingPeriod, industries: list[Industry], today: datetime.date
) -> MonthAnalysis:
    """Whether the month's statistics have arrived: the import of its industry figures, and the
    statistics bureau's analysis of the city and of each industry shown, with author and time.
    Two queries (the industries are those already loaded)."""
    return month_status(period, industries, today)
