"""Reads for market-entity cultivation (市场主体培育): the tiered pipeline of key enterprises
(candidates → recognised) per industry and district, the year's new recognitions, and the
advanced-manufacturing doubling plan's progress from the current statistics.

Every function takes the industries the caller may see (accounts.access.industries_for) and
reads nothing outside them. Query counts do not grow with the number of enterprises."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from chains.figures.models import IndicatorPeriod, Tier
from chains.models import DoublingTarget, EnterpriseTier, Industry, IndustryFigure, TierStage, Unit

YEARS_SHOWN = 5  # recognitions by year: the reference year and the four before it


def _district_key(district: Unit | None) -> tuple:
    return (1, 0, 0) if district is None else (0, district.position, district.pk)


@dataclass
class PipelineRow:
    industry: Industry | None  # None on a totals row
    district: Unit | None  # None: the whole industry, or enterprises with no district
    tier: str
    candidates: int
    recognised: int  # recognised up to and including the reference year
    by_year: list[int]  # recognised in each of Pipeline.years

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label


@dataclass
class Pipeline:
    year: int
    years: list[int]
    by_district: bool
    rows: list[PipelineRow] = field(default_factory=list)
    totals: list[PipelineRow] = field(default_factory=list)  # per tier, over all rows


def pipeline(
    *,
    industries: Iterable[Industry],
    year: int | None = None,
    district: Unit | None = None,
    by_district: bool = False,
) -> Pipeline:
    """Per industry (and per district with `by_district`) and tier: the enterprises being
    cultivated (candidates) and those recognised by the end of `year` (default: this year),
    and how many were recognised in each of the last five years up to `year`. A candidate
    row's year is the year it entered the pipeline, so candidates entered after `year` are
    left out too. Rows where every count is zero are omitted. Two or three queries.
    """
    year = year or timezone.localdate().year
    years = list(range(year - YEARS_SHOWN + 1, year + 1))
    by_id = {i.pk: i for i in industries}
    recognised = Q(stage=TierStage.RECOGNISED)
    group = ["enterprise__industry_id", "tier"]
    if by_district:
        group.append("enterprise__district_id")
    tiers = EnterpriseTier.objects.filter(enterprise__industry_id__in=by_id, year__lte=year)
    if district is not None:
        tiers = tiers.filter(enterprise__district=district)
    counts = list(
        tiers.values(*group)
        .annotate(
            candidates=Count("pk", filter=Q(stage=TierStage.CANDIDATE)),
            recognised=Count("pk", filter=recognised),
            **{f"y{y}": Count("pk", filter=recognised & Q(year=y)) for y in years},
        )
        .order_by()
    )
    district_ids = {c.get("enterprise__district_id") for c in counts} - {None}
    districts = Unit.objects.in_bulk(district_ids) if district_ids else {}
    order = {code: n for n, code in enumerate(Tier.values)}
    rows = [
        PipelineRow(
            industry=by_id[c["enterprise__industry_id"]],
            district=districts.get(c.get("enterprise__district_id")) if by_district else district,
            tier=c["tier"],
            candidates=c["candidates"],
            recognised=c["recognised"],
            by_year=[c[f"y{y}"] for y in years],
        )
        for c in counts
        if c["candidates"] or c["recognised"]
    ]
    rows.sort(
        key=lambda r: (r.industry.position, r.industry.pk, _district_key(r.district), order[r.tier])
    )
    totals = []
    for tier in Tier.values:
        mine = [r for r in rows if r.tier == tier]
        if mine:
            totals.append(
                PipelineRow(
                    industry=None,
                    district=district,
                    tier=tier,
                    candidates=sum(r.candidates for r in mine),
                    recognised=sum(r.recognised for r in mine),
                    by_year=[sum(r.by_year[n] for r in mine) for n in range(len(years))],
                )
            )
    return Pipeline(year=year, years=years, by_district=by_district, rows=rows, totals=totals)


@dataclass
class TierRecognitions:
    tier: str
    label: str
    tiers: list[EnterpriseTier]  # each with .enterprise, its .industry and .district loaded


def new_recognitions(
    *, industries: Iterable[Industry], year: int, district: Unit | None = None
) -> list[TierRecognitions]:
    """The enterprises recognised for a tier in `year`, grouped by tier in the tiers' order,
    each group by industry and name. One query."""
    ids = [i.pk for i in industries]
    tiers = (
        EnterpriseTier.objects.filter(
            stage=TierStage.RECOGNISED, year=year, enterprise__industry_id__in=ids
        )
        .select_related("enterprise__industry", "enterprise__district")
        .order_by("enterprise__industry__position", "enterprise__name", "pk")
    )
    if district is not None:
        tiers = tiers.filter(enterprise__district=district)
    groups: dict[str, list[EnterpriseTier]] = {}
    for t in tiers:
        groups.setdefault(t.tier, []).append(t)
    return [
        TierRecognitions(tier=tier, label=str(label), tiers=groups[tier])
        for tier, label in Tier.choices
        if tier in groups
    ]


@dataclass
class DoublingProgress:
    target: DoublingTarget
    year: int
    value: Decimal | None  # None: no figures yet for the year
    months: list[int]  # the months the value covers
    latest_month: int | None
    share: Decimal | None  # % of the way from base to target; may be < 0 or > 100
    time_share: Decimal | None  # % of the plan's years elapsed by `year`

    @property
    def has_figures(self) -> bool:
        return self.value is not None


def _is_point_in_time(indicator) -> bool:
    """A cumulative (1–N月累计) figure already holds the year so far, and a percentage does
    not add up: both are read at the latest month, never summed."""
    return indicator.period == IndicatorPeriod.CUMULATIVE or indicator.unit == "%"


def doubling_progress(*, industries: Iterable[Industry], year: int) -> list[DoublingProgress]:
    """Each doubling-plan target of the industries, with the year's value of its indicator
    from the current whole-industry figures (no sub-segment, no district — those are parts of
    it and would count twice).

    The year's value: for a cumulative indicator (or a percentage), the value of the latest
    month of `year` that has one; for a monthly indicator, the sum of the year's monthly
    values. Either way it is the year so far, so `latest_month` says how far it reaches.
    share = (value − base) / (target − base) × 100. Two queries: the targets, and every
    current figure of their industries and indicators in the year (at most twelve each).
    """
    ids = [i.pk for i in industries]
    targets = list(
        DoublingTarget.objects.filter(industry_id__in=ids)
        .select_related("industry", "indicator")
        .order_by("industry__position", "indicator__position", "pk")
    )
    if not targets:
        return []
    figures: dict[tuple[int, int], dict[int, Decimal]] = {}
    rows = IndustryFigure.objects.filter(
        is_current=True,
        year=year,
        subsegment__isnull=True,
        district__isnull=True,
        value__isnull=False,
        industry_id__in={t.industry_id for t in targets},
        indicator_id__in={t.indicator_id for t in targets},
    ).values_list("industry_id", "indicator_id", "month", "value")
    for industry_id, indicator_id, month, value in rows:
        figures.setdefault((industry_id, indicator_id), {})[month] = value
    progress = []
    for target in targets:
        monthly = figures.get((target.industry_id, target.indicator_id), {})
        months = sorted(monthly)
        latest = months[-1] if months else None
        if not months:
            value = None
        elif _is_point_in_time(target.indicator):
            value = monthly[latest]
        else:
            value = sum(monthly.values(), Decimal(0))
        span = target.target_value - target.base_value
        share = (value - target.base_value) / span * 100 if value is not None and span else None
        plan_years = target.target_year - target.base_year
        time_share = Decimal(min(max(year - target.base_year, 0), plan_years) * 100) / plan_years
        progress.append(
            DoublingProgress(
                target=target,
                year=year,
                value=value,
                months=months,
                latest_month=latest,
                share=share,
                time_share=time_share,
            )
        )
    return progress
