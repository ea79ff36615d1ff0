"""Reads of work plans: the deadline, which plans each unit owes, the plans a user may see, a
plan with everything its page shows, and the progress table. A fixed number of queries each."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet, prefetch_related_objects

from accounts.access import Action, industries_for, reads_everything
from accounts.models import User
from chains.choices import UnitKind, UnitRole
from chains.models import AssignmentUnit, Industry, Unit
from reporting.choices import UpdateStatus
from reporting.models import PlanEvent, PlanItem, PlanProgress, PlanYear, ReportingPeriod, WorkPlan

OWN_PLAN_KINDS = (UnitKind.DISTRICT, UnitKind.ZONE)


def plan_deadline(year: int) -> datetime.date:
    """The day `year`'s work plans are due: PlanYear(year).deadline, or mid-January when no
    PlanYear row exists yet (PlanYear.default_deadline)."""
    deadline = PlanYear.objects.filter(year=year).values_list("deadline", flat=True).first()
    return deadline or PlanYear.default_deadline(year)


def default_plan_year(today: datetime.date) -> int:
    """From December the coming year's plans are the ones being written."""
    return today.year + 1 if today.month == 12 else today.year


@dataclass
class PlanDue:
    """A plan the unit owes for a year: its industry (None for a district's own plan) and the
    plan once started."""

    unit: Unit
    industry: Industry | None
    plan: WorkPlan | None = None

    @property
    def title(self) -> str:
        return self.industry.name if self.industry else self.unit.name


def plan_scopes_owed(units) -> dict[int, list[Industry | None]]:
    """{unit id: [None, industry, …]}: the plans each of `units` must file for a year, for all
    the units at once: a district's or development zone's own plan first (None), then one per
    industry the unit leads in the matrix, in industry order. The matrix keeps no history, so
    this is today's matrix, whatever the year. One query."""
    owed = {unit.pk: [None] if unit.kind in OWN_PLAN_KINDS else [] for unit in units}
    industries = (
        Industry.objects.annotate(owner=F("assignment__unit_links__unit"))
        .alias(role=F("assignment__unit_links__role"))
        .filter(owner__in=list(owed), role=UnitRole.LEAD)
        .select_related("category")
        .order_by("position", "id")
    )
    for industry in industries:
        owed[industry.owner].append(industry)
    return owed


def plans_owed(unit: Unit, year: int) -> list[PlanDue]:
    """The plans a unit must file for the year (see plan_scopes_owed), each with the plan once
    started."""
    owed = [PlanDue(unit=unit, industry=industry) for industry in plan_scopes_owed([unit])[unit.pk]]
    plans = {
        plan.industry_id: plan
        for plan in WorkPlan.objects.filter(unit=unit, plan_year__year=year)
        .select_related("plan_year", "industry")
        .defer("summary", "return_reason")  # the state, not the texts (My work caches it)
    }
    for due in owed:
        due.plan = plans.get(due.industry.pk if due.industry else None)
    return owed


def plans_visible(user: User, year: int) -> QuerySet[WorkPlan]:
    """Plans a user may read: their unit's, those of industries they view, or all."""
    plans = (
        WorkPlan.objects.filter(plan_year__year=year)
        .select_related("unit", "industry", "plan_year")
        .order_by("unit__position", F("industry__position").asc(nulls_first=True))
    )
    if reads_everything(user):
        return plans
    own = plans.filter(unit_id=user.unit_id) if user.unit_id else plans.none()
    return own | plans.filter(industry__in=industries_for(user, Action.VIEW))


def plan_for_page(plan: WorkPlan) -> WorkPlan:
    """The plan (as access_plan fetched it) with its items and history, two queries."""
    prefetch_related_objects(
        [plan],
        Prefetch("items", queryset=PlanItem.objects.select_related("responsible")),
        Prefetch("events", queryset=PlanEvent.objects.select_related("actor")),
    )
    return plan


@dataclass
class ProgressRow:
    item: PlanItem
    current: PlanProgress | None  # this month's entry, if recorded
    previous: PlanProgress | None  # the latest entry of an earlier month


def progress_rows(
    unit: Unit, year: int, month: int, industry: Industry | None = None
) -> list[ProgressRow]:
    """The items of the unit's accepted plans for the year, each with this month's progress and
    the last progress recorded before it. Two queries, whatever the number of items."""
    items = list(
        PlanItem.objects.filter(
            plan__unit=unit, plan__plan_year__year=year, plan__status=UpdateStatus.ACCEPTED
        )
        .filter(**({"plan__industry": industry} if industry else {}))
        .select_related("plan__industry", "responsible")
        .order_by(F("plan__industry__position").asc(nulls_first=True), "plan_id", "position", "id")
    )
    entries = (
        PlanProgress.objects.filter(item__in=items, year=year, month__lte=month)
        .select_related("recorded_by")
        .order_by("month")
    )
    current, previous = {}, {}
    for entry in entries:
        if entry.month == month:
            current[entry.item_id] = entry
        else:
            previous[entry.item_id] = entry  # ordered by month: the last one wins
    return [ProgressRow(item, current.get(item.pk), previous.get(item.pk)) for item in items]


def responsible_choices(unit: Unit, industry: Industry | None) -> QuerySet[Unit]:
    """Units an item can be given to: the plan's unit and, for an industry plan, the units the
    matrix names for that industry."""
    if industry is None:
        return Unit.objects.filter(pk=unit.pk)
    names = AssignmentUnit.objects.filter(assignment_id=industry.assignment_id).values("unit_id")
    return Unit.objects.filter(pk__in=names) | Unit.objects.filter(pk=unit.pk)


def progress_periods(unit: Unit, today: datetime.date) -> list[ReportingPeriod]:
    """The months whose plan progress the unit can record now: those open for entries, in years
    where it has an accepted plan."""
    years = PlanItem.objects.filter(
        plan__unit=unit, plan__status=UpdateStatus.ACCEPTED
    ).values_list("plan__plan_year__year", flat=True)
    periods = ReportingPeriod.objects.filter(year__in=years, lock_date__gte=today).order_by(
        "year", "month"
    )
    return [period for period in periods if progress_open(period, today)]


def progress_open(period: ReportingPeriod, today: datetime.date) -> bool:
    """Progress for a month may be recorded from the month itself until its lock date."""
    return period.first_day <= today <= period.lock_date
