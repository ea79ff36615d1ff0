"""The districts' differentiated assessment (市对区差异化考核): each district and development zone
scored on admin-defined indicators (reporting.models.AssessmentIndicator) computed from the
portal's own data, with every number explained.

Definitions (also shown on the page: reporting.assessment.presentation's DEFINITIONS and RULES):

- Assessed: every Unit of kind district or zone, in Unit.position order.
- Year Y and as-of month M. M defaults to the latest month of Y whose ReportingPeriod deadline
  has passed (deadline < reporting.periods.services.today()); 0 when none has. The page's default Y is
  the year of the latest period whose deadline has passed (so in early January the page shows
  the year just ended), or this year when none has.
- timeliness (%): obligations met on time ÷ obligations due × 100. Obligations:
  (a) each plan the unit owes for Y, once the plans' deadline has passed (deadline < today):
      the deadline is PlanYear(Y).deadline, or mid-January of Y (PlanYear.default_deadline)
      when no PlanYear row exists. The plans owed are those of reporting.plans.selectors.plans_owed:
      the unit's own plan (no industry), then one per industry the unit leads in the
      responsibility matrix (AssignmentUnit role lead; today's matrix, which keeps no
      history), in industry order. A plan owed is on time when its first_submitted_at
      (Asia/Shanghai date) ≤ the deadline; a later resubmission after a return
      (submitted_at) does not make it late. A plan never started or never submitted is
      late, so not starting a plan never scores better than starting it late. A WorkPlan
      the unit does not owe (the matrix changed) is no obligation;
  (b) each month m of 1..M, when the unit has an accepted plan for Y with items whose
      accepted_at (Asia/Shanghai date) ≤ month m's period deadline (a month whose deadline
      came before any acceptance could never have been met, so it is not due): on time when
      some PlanProgress for (Y, m) on the items of the unit's accepted plans was first
      recorded (created_at) by that deadline; a later correction does not make a month
      late. Months without a ReportingPeriod have no deadline and are skipped;
  (c) each MonthlyUpdate of the unit in Y, months 1..M: on time when first_submitted_at
      (Asia/Shanghai date) ≤ the period's deadline; never submitted is late.
  No obligations → not applicable.
- plan_completion (%): the mean, over all items of the unit's accepted plans for Y, of each
  item's latest percent recorded in Y months ≤ M (0 for an item with none). A unit with no
  accepted plan items scores 0 (not "not applicable"): districts are required to plan, and
  having no plan must not shift its weight to other indicators. See plan_completion().
- figure_growth (% year on year): over the unit's leading industries, current IndustryFigure
  values (district = the unit, no sub-segment, value not empty) of each industry's headline
  indicator (chains.quality's IndustryMeasure: 工业总产值（当月） for a manufacturing cluster,
  营业收入（当月） for 商贸物流, 金融服务, 文旅创意; for an industry without one, the first
  Indicator in admin order that is monthly and in money), compared month by month: only
  (industry, month) pairs of months 1..M that have a figure in both Y and Y−1 count, so a
  month whose statistics are not imported yet in one year, or an industry with figures in one
  year only, is left out of both sums (the explanation names the months compared; the details
  name the ones left out). A leading industry whose figures another leading industry of the
  unit already counts (a future industry within its cluster) is left out, so no figure adds
  twice. Then (Σ this − Σ last) ÷ Σ last × 100. Monthly values add up over months; cumulative
  ones would not. Not applicable when no pair has figures in both years, last year's sum is
  0, or M = 0.
- enterprises: the unit's key enterprises (Enterprise.district = the unit) in its leading
  industries with at least one recognised cultivation tier granted in Y or earlier.
- open_actions (lower is better): the unit's action items not closed whose deadline is before
  today. This is today's state, whatever Y: action items keep no history of their deadlines.
- Information only (scored by no indicator): key projects — distinct project names in
  accepted monthly updates of Y (months 1..M) on the unit's leading industries, whoever filed
  them (a key project carries no district); open action items in all.

Scores, per indicator: higher is better: min(value ÷ full marks at, 1) × 100, floored at 0
(a fall in output earns no marks, never negative ones); lower is better: max(0, 100 − value ÷
full marks at × 100). Total = Σ weight × score ÷ Σ weight over the indicators that apply: a
not-applicable indicator drops out and its weight is shared among the others in proportion.

Rounding: values and scores are rounded half up to one decimal, and each step uses the
rounded number the page shows, so every figure can be recomputed by hand from the page. The
total is rounded to one decimal; weighted points (weight × score ÷ Σ weight) to two.

Every number comes from a fixed number of queries, aggregated in the database (figures are
summed per industry and month there, and paired by month here), however many districts or
years of data there are.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from chains.choices import UnitKind
from chains.models import (
    CarrierArea,
    CarrierKind,
    Enterprise,
    Indicator,
    IndustryFigure,
    LeadingIndustry,
    TierStage,
    Unit,
)
from chains.quality.selectors import industry_measures
from reporting.assessment.indicators import headline_indicator
from reporting.choices import ActionStatus, AssessmentMetric, UpdateStatus
from reporting.leads.selectors import signed_by_district as leads_signed_by_district
from reporting.models import (
    ActionItem,
    AssessmentIndicator,
    KeyProject,
    MonthlyUpdate,
    PlanItem,
    PlanProgress,
    ReportingPeriod,
    WorkPlan,
)
from reporting.periods import services
from reporting.plans.selectors import plan_deadline, plan_scopes_owed
from reporting.supervision.board import overdue_q

ASSESSED_KINDS = (UnitKind.DISTRICT, UnitKind.ZONE)

HUNDRED = Decimal(100)

ONE_PLACE = Decimal("0.1")

TWO_PLACES = Decimal("0.01")


def _months(months) -> str:
    """Months as the page writes them: 1月, 1–3月, 1–3、5月."""
    runs: list[list[int]] = []
    for m in sorted(months):
        if runs and m == runs[-1][1] + 1:
            runs[-1][1] = m
        else:
            runs.append([m, m])
    return "、".join(f"{a}–{b}" if a != b else f"{a}" for a, b in runs) + "月"


def default_as_of_month(
    year: int, on: datetime.date | None = None, periods: dict | None = None
) -> int:
    """The latest month of `year` whose reporting deadline has passed, or 0. `periods`: the
    year's {month: deadline}, when already read."""
    on = on or services.today()
    if periods is None:
        periods = dict(ReportingPeriod.objects.filter(year=year).values_list("month", "deadline"))
    return max((m for m, deadline in periods.items() if deadline < on), default=0)


def default_year(on: datetime.date | None = None) -> int:
    """The year of the latest period whose deadline has passed, or this year."""
    on = on or services.today()
    latest = (
        ReportingPeriod.objects.filter(deadline__lt=on)
        .order_by("-year", "-month")
        .values_list("year", flat=True)
        .first()
    )
    return latest or on.year


def owed_plans(units) -> dict[int, list[tuple[int | None, str | None]]]:
    """{unit id: [(industry id, industry name), …]}: the work plans each of `units` owes for a
    year (reporting.plans.selectors.plan_scopes_owed), a unit's own plan as (None, None). One query."""
    return {
        unit_id: [(i.pk, i.name) if i else (None, None) for i in scopes]
        for unit_id, scopes in plan_scopes_owed(units).items()
    }


def completion_rows(*keys: str, year: int, as_of_month: int, scope: Q | None = None, **extra):
    """The items of accepted plans for `year` in `scope`, grouped by `keys` in the database:
    per group, total (items), done (items at 100 %), points (Σ each item's latest share done
    recorded in months ≤ as_of_month, 0 for an item without any) and the `extra` aggregates."""
    latest = (
        PlanProgress.objects.filter(item=OuterRef("pk"), year=year, month__lte=as_of_month)
        .order_by("-month")
        .values("percent")[:1]
    )
    items = PlanItem.objects.filter(
        plan__status=UpdateStatus.ACCEPTED, plan__plan_year__year=year
    ).alias(latest=Coalesce(Subquery(latest), 0))
    if scope is not None:
        items = items.filter(scope)
    return (
        items.order_by()
        .values(*keys)
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(latest__gte=100)),
            points=Sum("latest"),
            **extra,
        )
    )


def completion_percent(points: int, total: int) -> Decimal:
    """The mean share done of `total` items: points ÷ total, rounded half up to one decimal."""
    return round_half_up(Decimal(points) / total)


def plan_completion(
    *, units=None, year: int, as_of_month: int
) -> dict[int, tuple[Decimal, int, int]]:
    """{unit id: (percent, items done, items in all)} over the items of each unit's accepted
    work plans for `year`: percent is the mean of each item's latest share done recorded in
    months ≤ as_of_month (0 for an item without progress), rounded half up to one decimal;
    an item is done at 100 %. `units` (units or ids) limits the units; None means all. One
    query; units without accepted plan items are absent."""
    scope = None if units is None else Q(plan__unit__in=units)
    return {
        row["plan__unit"]: (
            completion_percent(row["points"], row["total"]),
            row["done"],
            row["total"],
        )
        for row in completion_rows("plan__unit", year=year, as_of_month=as_of_month, scope=scope)
    }


@dataclass
class Measure:
    """One metric's value for one unit; value None means not applicable."""

    metric: str
    value: Decimal | None
    explanation: str
    details: list[str] = field(default_factory=list)

    @property
    def applicable(self) -> bool:
        return self.value is not None

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        unit = "%" if self.metric in PERCENT_METRICS else ""
        return f"{fmt(self.value)}{unit}"


PERCENT_METRICS = (
    AssessmentMetric.TIMELINESS,
    AssessmentMetric.PLAN_COMPLETION,
    AssessmentMetric.FIGURE_GROWTH,
)


@dataclass
class Score:
    """One indicator's score for one unit, and its share of the total."""

    indicator: AssessmentIndicator
    measure: Measure
    score: Decimal | None
    explanation: str
    points: Decimal | None = None  # weight × score ÷ Σ weight of the applicable indicators

    @property
    def weight(self) -> Decimal:
        return self.indicator.weight


@dataclass
class DistrictRow:
    """One district's line of the comparison: its registers, measures, scores, total, rank
    (None without a total; equal totals share one) and the information-only counts."""

    unit: Unit
    leading: list
    carriers: list
    measures: dict[str, Measure]
    scores: list[Score]
    total: Decimal | None
    total_explanation: str
    key_projects: int
    open_actions: int
    key_projects_explanation: str = ""
    rank: int | None = None


@dataclass
class Assessment:
    """The assessment of every district for a year as of a month; iterates over its rows."""

    year: int
    month: int
    today: datetime.date
    indicators: list[AssessmentIndicator]
    headline: Indicator | None
    rows: list[DistrictRow]
    plan_deadline: datetime.date | None = None  # when the year's work plans are due

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    def row_for(self, code: str) -> DistrictRow | None:
        return next((r for r in self.rows if r.unit.code == code), None)


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _ratio(on_time: int, due: int) -> Decimal:
    return round_half_up(Decimal(on_time) * HUNDRED / due)


def district_assessment(*, year: int, as_of_month: int | None = None) -> Assessment:
    """Every district's and development zone's measures, scores, total and rank for `year` as
    of `as_of_month` (default: the latest month of the year whose deadline has passed), with
    an explanation of each number. A fixed number of queries (16)."""
    on = services.today()
    tz = timezone.get_default_timezone()
    periods = {
        p["month"]: p["deadline"]
        for p in ReportingPeriod.objects.filter(year=year).order_by().values("month", "deadline")
    }
    if as_of_month is None:
        as_of_month = default_as_of_month(year, on, periods)
    month = as_of_month
    indicators = list(AssessmentIndicator.objects.filter(is_active=True))
    # Each industry's own headline indicator (产值或营收); the first monthly money one otherwise.
    measures = industry_measures(default=headline_indicator())
    headline = measures.default

    units = list(
        Unit.objects.filter(kind__in=ASSESSED_KINDS)
        .order_by("position", "name")
        .prefetch_related(
            Prefetch(
                "leading_industries",
                queryset=LeadingIndustry.objects.select_related("industry").order_by(
                    "industry__position"
                ),
            ),
            Prefetch(
                "carrier_areas",
                queryset=CarrierArea.objects.filter(kind=CarrierKind.MAIN).order_by("name"),
                to_attr="main_carriers",
            ),
        )
    )
    in_assessed = Unit.objects.filter(kind__in=ASSESSED_KINDS).values("pk")

    # (a) the plans each unit owes, and those it has started, once the plans' deadline has passed
    plans_due = plan_deadline(year)
    owed = owed_plans(units)
    started = {
        (plan["unit"], plan["industry"]): plan
        for plan in WorkPlan.objects.filter(unit__in=in_assessed, plan_year__year=year)
        .order_by()
        .values("unit", "industry", "first_submitted_at", "submitted_at")
    }
    plans = defaultdict(list)
    if plans_due < on:
        for unit in units:
            for industry, name in owed[unit.pk]:
                plans[unit.pk].append((name or unit.name, started.get((unit.pk, industry))))

    # plan completion, per plan, and (b) the first progress recorded each month
    completion = defaultdict(list)
    for row in completion_rows(
        "plan__unit",
        "plan",
        "plan__industry__name",
        "plan__accepted_at",
        year=year,
        as_of_month=month,
        scope=Q(plan__unit__in=in_assessed),
    ):
        completion[row["plan__unit"]].append(row)
    progress = {
        (row["item__plan__unit"], row["month"]): row["first"]
        for row in PlanProgress.objects.filter(
            item__plan__unit__in=in_assessed,
            item__plan__status=UpdateStatus.ACCEPTED,
            item__plan__plan_year__year=year,
            year=year,
            month__gte=1,
            month__lte=month,
        )
        .order_by()
        .values("item__plan__unit", "month")
        .annotate(first=Min("created_at"))
    }

    # (c) monthly updates, counted per unit and month
    updates = defaultdict(list)
    for row in (
        MonthlyUpdate.objects.filter(
            unit__in=in_assessed, period__year=year, period__month__lte=month
        )
        .order_by()
        .values("unit", "period__month")
        .annotate(
            due=Count("id"),
            on_time=Count(
                "id",
                filter=LessThanOrEqual(
                    TruncDate("first_submitted_at", tzinfo=tz), F("period__deadline")
                ),
            ),
        )
        .order_by("period__month")
    ):
        updates[row["unit"]].append(row)

    # figures of the leading industries, this year and last, months 1..M, per month: the
    # growth compares only the months that have a figure in both years
    figures = defaultdict(lambda: defaultdict(dict))
    measured = Q(indicator=headline) & ~Q(industry__in=list(measures.headline))
    for industry_id, indicator in measures.headline.items():
        measured |= Q(industry=industry_id, indicator=indicator)
    if (headline is not None or measures.headline) and month:
        leads = LeadingIndustry.objects.filter(
            unit=OuterRef("district"), industry=OuterRef("industry")
        )
        for row in (
            IndustryFigure.objects.filter(
                Exists(leads),
                measured,
                is_current=True,
                subsegment__isnull=True,
                district__in=in_assessed,
                year__in=(year - 1, year),
                month__gte=1,
                month__lte=month,
            )
            .order_by()
            .values("district", "industry", "year", "month")
            .annotate(total=Sum("value"), n=Count("value"))
        ):
            if row["n"]:
                key = (row["industry"], row["year"])
                figures[row["district"]][key][row["month"]] = row["total"]

    # key enterprises with a recognised tier, in the leading industries
    enterprises = defaultdict(dict)
    for row in (
        Enterprise.objects.filter(
            Exists(
                LeadingIndustry.objects.filter(
                    unit=OuterRef("district"), industry=OuterRef("industry")
                )
            ),
            district__in=in_assessed,
            tiers__stage=TierStage.RECOGNISED,
            tiers__year__lte=year,
        )
        .order_by()
        .values("district", "industry")
        .annotate(n=Count("id", distinct=True))
    ):
        enterprises[row["district"]][row["industry"]] = row["n"]

    # action items not closed: overdue, and in all
    actions = {
        row["unit"]: row
        for row in ActionItem.objects.filter(
            unit__in=in_assessed, status__in=ActionStatus.open_values()
        )
        .order_by()
        .values("unit")
        .annotate(
            open=Count("id"),
            # the supervision board's own definition (reported by the deadline: not overdue)
            overdue=Count("id", filter=overdue_q(on)),
        )
    }

    # key projects (information only): distinct names in accepted updates on leading industries
    projects = {
        row["update__industry__leading_units__unit"]: row["n"]
        for row in KeyProject.objects.filter(
            update__status=UpdateStatus.ACCEPTED,
            update__period__year=year,
            update__period__month__lte=month,
            update__industry__leading_units__unit__in=in_assessed,
        )
        .order_by()
        .values("update__industry__leading_units__unit")
        .annotate(n=Count("name", distinct=True))
    }

    # investment leads the district follows, signed in the year up to the month (1 query)
    signed_leads = leads_signed_by_district(year, month)

    context = {
        "year": year,
        "month": month,
        "periods": periods,
        "headline": headline,
        "measures": measures,
        "plan_deadline": plans_due,
    }
    rows = []
    for unit in units:
        leading = [link.industry for link in unit.leading_industries.all()]
        measures = {
            AssessmentMetric.TIMELINESS: _timeliness(
                plans[unit.pk], completion[unit.pk], progress, updates[unit.pk], unit, context
            ),
            AssessmentMetric.PLAN_COMPLETION: _plan_completion(completion[unit.pk], context),
            AssessmentMetric.FIGURE_GROWTH: _growth(figures[unit.pk], leading, context),
            AssessmentMetric.ENTERPRISES: _enterprises(enterprises[unit.pk], leading, context),
            AssessmentMetric.OPEN_ACTIONS: _open_actions(actions.get(unit.pk), on),
            AssessmentMetric.LEADS_SIGNED: _leads(signed_leads.get(unit.pk, 0), context),
        }
        scores = [score(indicator, measures[indicator.metric]) for indicator in indicators]
        total, total_explanation = _total(scores)
        open_total = actions[unit.pk]["open"] if unit.pk in actions else 0
        rows.append(
            DistrictRow(
                unit=unit,
                leading=leading,
                carriers=unit.main_carriers,
                measures=measures,
                scores=scores,
                total=total,
                total_explanation=total_explanation,
                key_projects=projects.get(unit.pk, 0),
                key_projects_explanation=(
                    f"{year}年1–{month}月已确认的月度进展中，主导产业重点项目（按名称去重）"
                    f"{projects.get(unit.pk, 0)} 个"
                ),
                open_actions=open_total,
            )
        )
    _rank(rows)
    return Assessment(
        year=year,
        month=month,
        today=on,
        indicators=indicators,
        headline=headline,
        rows=rows,
        plan_deadline=plans_due,
    )


def _timeliness(plans, completion, progress, updates, unit, context) -> Measure:
    year, month, periods = context["year"], context["month"], context["periods"]
    plans_due = context["plan_deadline"]
    details, due, on_time = [], 0, 0
    # (a) the plans owed, each (scope, the plan's dates or None when never started)
    for scope, plan in plans:
        first = _local_date(plan["first_submitted_at"]) if plan else None
        ok = first is not None and first <= plans_due
        due += 1
        on_time += ok
        if plan is None:
            when = "未编制"
        elif first is None:
            when = "未提交"
        else:
            when = f"{first:%Y-%m-%d}提交"
            latest = _local_date(plan["submitted_at"])
            if latest is not None and latest != first:
                when = f"{first:%Y-%m-%d}首次提交（最近一次 {latest:%Y-%m-%d}）"
        details.append(
            f"{year}年{scope}工作计划：{when}，截止 {plans_due:%Y-%m-%d}，"
            f"{'按时' if ok else '逾期'}"
        )
    # (b) months whose deadline is on or after the first acceptance of a plan with items
    days = [_local_date(row["plan__accepted_at"]) for row in completion if row["total"]]
    accepted = min((day for day in days if day is not None), default=None)
    if accepted is not None:
        before = [m for m in range(1, month + 1) if m in periods and periods[m] < accepted]
        if before:
            details.append(
                f"{_months(before)}计划进度不计：工作计划 {accepted:%Y-%m-%d} 通过，"
                f"晚于当月截止日期"
            )
        for m in range(1, month + 1):
            deadline = periods.get(m)
            if deadline is None or deadline < accepted:
                continue
            first = _local_date(progress.get((unit.pk, m)))
            ok = first is not None and first <= deadline
            due += 1
            on_time += ok
            when = f"{first:%Y-%m-%d}记录" if first else "未记录"
            details.append(
                f"{m}月计划进度：{when}，截止 {deadline:%Y-%m-%d}，{'按时' if ok else '逾期'}"
            )
    # (c) monthly updates
    for row in updates:
        due += row["due"]
        on_time += row["on_time"]
        details.append(
            f"{row['period__month']}月月度进展：应报 {row['due']} 份，按时 {row['on_time']} 份"
        )
    if not due:
        return Measure(AssessmentMetric.TIMELINESS, None, "无应报事项，不适用", details)
    value = _ratio(on_time, due)
    return Measure(
        AssessmentMetric.TIMELINESS,
        value,
        f"按时 {on_time} 项 / 应报 {due} 项 = {fmt(value)}%",
        details,
    )


def _plan_completion(rows, context) -> Measure:
    year, month = context["year"], context["month"]
    total = sum(r["total"] for r in rows)
    if not total:
        return Measure(
            AssessmentMetric.PLAN_COMPLETION, Decimal(0), f"无已确认的{year}年工作计划任务，计 0%"
        )
    points = sum(r["points"] for r in rows)
    done = sum(r["done"] for r in rows)
    value = completion_percent(points, total)
    details = [
        f"{r['plan__industry__name'] or '本单位'}计划：{r['total']} 项任务，"
        f"进度合计 {r['points']}%，已完成 {r['done']} 项"
        for r in rows
    ]
    return Measure(
        AssessmentMetric.PLAN_COMPLETION,
        value,
        f"{total} 项任务截至{month}月最新进度合计 {points}% ÷ {total} 项 = {fmt(value)}%"
        f"（已完成 {done} 项）",
        details,
    )


def _growth(figures, leading, context) -> Measure:
    """figures: {(industry id, year): {month: sum}} of the unit, months 1..M."""
    year, month, measures = context["year"], context["month"], context["measures"]
    metric = AssessmentMetric.FIGURE_GROWTH
    if measures.default is None and not measures.headline:
        return Measure(metric, None, "没有可比较的产值或营收指标，不适用")
    if not month:
        return Measure(metric, None, "尚无已过截止日期的月份，不适用")
    if not leading:
        return Measure(metric, None, "未登记主导产业，不适用")
    span = _months(range(1, month + 1))
    details, compared, this, last = [], [], Decimal(0), Decimal(0)
    leading_ids = {industry.pk for industry in leading}
    names = {industry.pk: industry.name for industry in leading}
    used = []  # the headline indicators compared
    mixed = len({m.unit for i in leading if (m := measures.of(i.pk)) is not None}) > 1
    for industry in leading:
        own = measures.of(industry.pk)
        if not measures.in_total(industry.pk, among=leading_ids):
            counter = names[measures.counted_in[industry.pk]]
            details.append(f"{industry.name}：数据已计入{counter}，不重复相加")
            continue
        now = figures.get((industry.pk, year), {})
        before = figures.get((industry.pk, year - 1), {})
        if not now and not before:
            continue
        months = sorted(set(now) & set(before))
        if not months:
            has, lacks, held = (year, year - 1, now) if now else (year - 1, year, before)
            details.append(
                f"{industry.name}：没有两年都有数据的月份，不比较"
                f"（{has}年有{_months(held)}数据，{lacks}年没有）"
            )
            continue
        this_one = sum((now[m] for m in months), Decimal(0))
        last_one = sum((before[m] for m in months), Decimal(0))
        text = (
            f"{industry.name}：{year}年{_months(months)} {fmt(this_one)}，"
            f"{year - 1}年同期 {fmt(last_one)}"
            + (f"（{own.unit}）" if own == measures.default else f"（{own.name}，{own.unit}）")
        )
        gaps = []
        if missing := set(before) - set(now):
            gaps.append(f"{_months(missing)}缺少{year}年数据")
        if missing := set(now) - set(before):
            gaps.append(f"{_months(missing)}缺少{year - 1}年数据")
        if gaps:
            text += f"；{'、'.join(gaps)}，不比较"
        details.append(text)
        compared.append((industry, months))
        used.append(own)
        # One unit in the sums: a headline in 亿元 counts in 万元 beside others in 万元.
        factor = Decimal(10000) if mixed and own.unit == "亿元" else Decimal(1)
        this += this_one * factor
        last += last_one * factor
    kinds = {(i.name, i.unit) for i in used} or {
        (i.name, i.unit) for i in [measures.default] if i is not None
    }
    if len(kinds) == 1:
        indicator_name, unit = kinds.pop()
        name = f"{indicator_name}（{unit}）"
    else:
        name = "产值或营收（万元）" if mixed else "产值或营收"
    if not compared:
        return Measure(
            metric, None, f"主导产业本区{name}{span}没有两年都有数据的月份，不适用", details
        )
    if not last:
        return Measure(metric, None, f"去年同期{name}为 0，无法计算增速，不适用", details)
    value = round_half_up((this - last) * HUNDRED / last)
    if len({tuple(months) for _industry, months in compared}) == 1:
        months = compared[0][1]
        which = _months(months)
        if months != list(range(1, month + 1)):
            which += f"（{span}中两年都有数据的月份）"
    else:
        which = "两年都有数据的月份（{}）".format(
            "，".join(f"{industry.name} {_months(months)}" for industry, months in compared)
        )
    return Measure(
        metric,
        value,
        f"{name}{which}合计：({fmt(this)} − {fmt(last)}) ÷ {fmt(last)} × 100 = {fmt(value)}%",
        details,
    )


def _enterprises(counts, leading, context) -> Measure:
    names = {i.pk: i.name for i in leading}
    n = sum(counts.values())
    details = [f"{names.get(pk, pk)}：{c} 家" for pk, c in counts.items()]
    return Measure(
        AssessmentMetric.ENTERPRISES,
        Decimal(n),
        f"主导产业中已认定培育梯次（{context['year']}年及以前）的本区重点企业 {n} 家",
        details,
    )


def _leads(n: int, context) -> Measure:
    return Measure(
        AssessmentMetric.LEADS_SIGNED,
        Decimal(n),
        f"{context['year']}年1–{context['month']}月本区跟进的招商线索签约 {n} 个（均已进入项目库）",
    )


def _open_actions(row, on: datetime.date) -> Measure:
    overdue = row["overdue"] if row else 0
    still_open = row["open"] if row else 0
    return Measure(
        AssessmentMetric.OPEN_ACTIONS,
        Decimal(overdue),
        f"未办结督办事项 {still_open} 项，其中截至 {on:%Y-%m-%d} 已逾期 {overdue} 项",
    )


def score(indicator: AssessmentIndicator, measure: Measure) -> Score:
    """One indicator's score from its measure (see the module docstring)."""
    if not measure.applicable:
        return Score(indicator, measure, None, "不适用，不计入总分")
    full = indicator.full_marks_at
    value = measure.value
    if AssessmentMetric(indicator.metric).lower_is_better:
        raw = HUNDRED - value / full * HUNDRED
        result = round_half_up(max(Decimal(0), raw))
        text = f"100 − {fmt(value)} ÷ {fmt(full)} × 100 = {fmt(round_half_up(raw))}"
        if raw < 0:
            text += "，最低 0"
    else:
        raw = value / full * HUNDRED
        result = round_half_up(min(max(raw, Decimal(0)), HUNDRED))
        text = f"{fmt(value)} ÷ {fmt(full)} × 100 = {fmt(round_half_up(raw))}"
        if raw > HUNDRED:
            text += "，封顶 100"
        elif raw < 0:
            text += "，最低 0"
    return Score(indicator, measure, result, f"{text} → {fmt(result)} 分")


def _total(scores: list[Score]) -> tuple[Decimal | None, str]:
    counted = [s for s in scores if s.score is not None]
    weights = sum((s.weight for s in counted), Decimal(0))
    if not weights:
        return None, "没有适用的指标，不计总分"
    products = sum((s.weight * s.score for s in counted), Decimal(0))
    for s in counted:
        s.points = round_half_up(s.weight * s.score / weights, TWO_PLACES)
    total = round_half_up(products / weights)
    terms = " + ".join(f"{fmt(s.weight)}×{fmt(s.score)}" for s in counted)
    text = f"({terms}) ÷ {fmt(weights)} = {fmt(products)} ÷ {fmt(weights)} = {fmt(total)} 分"
    skipped = [s for s in scores if s.score is None]
    if skipped:
        names = "、".join(f"{s.indicator.name}（权重 {fmt(s.weight)}）" for s in skipped)
        text += f"；{names}不适用，其权重按比例分配给其他指标"
    return total, text


def _rank(rows: list[DistrictRow]) -> None:
    """Highest total first; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted((r for r in rows if r.total is not None), key=lambda r: -r.total)
    for position, row in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        row.rank = previous.rank if previous and previous.total == row.total else position


def round_half_up(value: Decimal, places: Decimal = ONE_PLACE) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | int | None) -> str:
    """A number as the page shows it: no trailing zeros (83.3, 100, 0.5)."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
