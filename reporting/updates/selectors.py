"""Reads for monthly updates: what a unit owes, what the DRC has to review, an update with
everything its pages show. Each runs a fixed number of queries, whatever the data size."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.access import industries_for
from accounts.choices import Action
from accounts.models import User
from chains.choices import UnitRole
from chains.models import AssignmentUnit, Industry, Unit
from reporting.choices import DueStatus, EventKind, Light, UpdateStatus
from reporting.models import (
    Attachment,
    Contribution,
    Instruction,
    MonthlyUpdate,
    Problem,
    ReportingPeriod,
    UpdateEvent,
)
from reporting.periods.selectors import open_periods
from reporting.periods.services import today
from reporting.periods.workdays import WorkCalendar
from reporting.updates.services import is_locked
from reporting.updates.snapshots import changed_sections, update_snapshot

RETURN_KINDS = (EventKind.RETURNED, EventKind.UNLOCKED)


def lead_pairs(
    industries: QuerySet[Industry] | None = None, unit: Unit | None = None
) -> list[tuple[Industry, Unit]]:
    """Every (industry, lead unit) that owes a monthly update, in matrix order."""
    industries = list(
        (industries if industries is not None else Industry.objects.all()).select_related(
            "category"
        )
    )
    return _pairs(industries, unit)


def responsible_pairs() -> list[tuple[Industry, Unit]]:
    """Every (industry, responsible unit) of the matrix, in matrix order (two queries)."""
    industries = {}
    for industry in Industry.objects.order_by("position"):
        industries.setdefault(industry.assignment_id, []).append(industry)
    pairs = []
    for link in (
        AssignmentUnit.objects.filter(role=UnitRole.RESPONSIBLE)
        .select_related("unit")
        .order_by("position", "id")
    ):
        pairs += [(industry, link.unit) for industry in industries.get(link.assignment_id, [])]
    return sorted(pairs, key=lambda pair: pair[0].position)


def _pairs(industries: list[Industry], unit: Unit | None = None) -> list[tuple[Industry, Unit]]:
    """The (industry, lead unit) pairs of these industries, in their order (one query)."""
    links = AssignmentUnit.objects.filter(
        role=UnitRole.LEAD, assignment__industries__in=industries
    ).select_related("unit")
    if unit is not None:
        links = links.filter(unit=unit)
    by_assignment: dict[int, list[Unit]] = {}
    for link in links.order_by("position").distinct():
        by_assignment.setdefault(link.assignment_id, []).append(link.unit)
    return [
        (industry, u)
        for industry in industries
        for u in by_assignment.get(industry.assignment_id, [])
    ]


def _on_time(first_submitted_at: datetime.datetime, deadline: datetime.date) -> bool:
    """Submitted by the end of the deadline day, Asia/Shanghai."""
    return timezone.localtime(first_submitted_at).date() <= deadline


def submitted_on_time(update: MonthlyUpdate) -> bool | None:
    if update.first_submitted_at is None:
        return None
    return _on_time(update.first_submitted_at, update.period.deadline)


class ReportState(StrEnum):
    """Where one expected update (a lead unit's, for an industry and a month) stands on a day."""

    ON_TIME = "on_time"  # 已报（按时）
    LATE = "late"  # 已报（逾期）
    NOT_DUE = "not_due"  # 未到截止日期: not in yet, and the deadline has not passed
    MISSING = "missing"  # 未报: not in, and the deadline has passed


@dataclass
class Tally:
    """Counts of expected updates by state; received = on time + late, and expected =
    received + not due + missing."""

    expected: int = 0
    on_time: int = 0
    late: int = 0
    not_due: int = 0
    missing: int = 0

    @property
    def received(self) -> int:
        return self.on_time + self.late

    def add(self, state: ReportState) -> None:
        self.expected += 1
        setattr(self, state.value, getattr(self, state.value) + 1)


@dataclass
class ExpectedUpdate:
    """One (month, industry, lead unit) that owes an update, with what came in."""

    period: ReportingPeriod
    industry: Industry
    unit: Unit
    state: ReportState
    update_id: int | None  # None: not even started
    first_submitted_at: datetime.datetime | None


@dataclass
class ReportingStatus:
    """What reporting_status found: each expected update, and the tallies over them."""

    as_of: datetime.date
    industries: list[Industry]  # every industry in scope, with or without lead units
    items: list[ExpectedUpdate]  # by month, then in matrix order
    total: Tally
    by_industry: dict[int, Tally]  # industry pk → tally
    by_unit: dict[int, tuple[Unit, Tally]]  # unit pk → (unit, tally), in unit order


def reporting_status(
    periods: list[ReportingPeriod], industries: Iterable[Industry], today: datetime.date
) -> ReportingStatus:
    """How the monthly reporting of `periods` stands on `today`, per industry, per lead unit and
    in total: expected (each industry's lead units, each month), received on time or late, not
    yet due, missing (the deadline has passed without it). The one count behind the dashboard
    and the reports, so that both say the same. Three queries at most; counted in Python over
    the expected updates, which the matrix bounds (one per month, industry and lead unit)."""
    industries = list({i.pk: i for i in industries}.values())  # a filter's join may repeat one
    pairs = _pairs(industries)
    submitted = {
        (industry_id, unit_id, period_id): (pk, first)
        for pk, industry_id, unit_id, period_id, first in MonthlyUpdate.objects.filter(
            period__in=periods, industry__in=industries
        ).values_list("id", "industry_id", "unit_id", "period_id", "first_submitted_at")
    }
    units = sorted({u.pk: u for _i, u in pairs}.values(), key=lambda u: (u.position, u.name))
    status = ReportingStatus(
        as_of=today,
        industries=industries,
        items=[],
        total=Tally(),
        by_industry={i.pk: Tally() for i in industries},
        by_unit={u.pk: (u, Tally()) for u in units},
    )
    for period in periods:
        for industry, unit in pairs:
            update_id, first = submitted.get((industry.pk, unit.pk, period.pk), (None, None))
            if first is not None:
                on_time = _on_time(first, period.deadline)
                state = ReportState.ON_TIME if on_time else ReportState.LATE
            elif today <= period.deadline:
                state = ReportState.NOT_DUE
            else:
                state = ReportState.MISSING
            status.items.append(ExpectedUpdate(period, industry, unit, state, update_id, first))
            status.total.add(state)
            status.by_industry[industry.pk].add(state)
            status.by_unit[unit.pk][1].add(state)
    return status


def due_status(
    update: MonthlyUpdate | None, period: ReportingPeriod, today: datetime.date
) -> DueStatus:
    """The state a unit and the DRC see, read against the period's deadline."""
    if update is None:
        return DueStatus.OVERDUE if today > period.deadline else DueStatus.NOT_STARTED
    if update.status == UpdateStatus.ACCEPTED:
        return DueStatus.ACCEPTED
    if update.status == UpdateStatus.RETURNED:
        return DueStatus.RETURNED
    if update.status == UpdateStatus.SUBMITTED:
        return (
            DueStatus.SUBMITTED_ON_TIME if submitted_on_time(update) else DueStatus.SUBMITTED_LATE
        )
    return DueStatus.OVERDUE if today > period.deadline else DueStatus.DRAFT


def light(
    status: DueStatus, period: ReportingPeriod, today: datetime.date, calendar: WorkCalendar
) -> Light:
    """Green; yellow within N working days of the deadline (and for a returned update); red
    when overdue; none once submitted or accepted."""
    if status in (DueStatus.SUBMITTED_ON_TIME, DueStatus.SUBMITTED_LATE, DueStatus.ACCEPTED):
        return Light.NONE
    if status == DueStatus.OVERDUE:
        return Light.RED
    if status == DueStatus.RETURNED:
        return Light.YELLOW
    if (
        calendar.working_days_until(today, period.deadline)
        <= settings.REPORTING_REMINDER_WORKING_DAYS
    ):
        return Light.YELLOW
    return Light.GREEN


@dataclass
class DueItem:
    period: ReportingPeriod
    industry: Industry
    unit: Unit
    update: MonthlyUpdate | None
    status: DueStatus
    light: Light
    working_days_left: int
    can_carry_over: bool
    locked: bool


def due_items(user: User, today: datetime.date) -> list[DueItem]:
    """What the user's unit owes: each month of this year (and last December's, filed in
    January) for every industry it leads that is not yet accepted, any earlier month it left
    open (a draft, a returned update), plus the latest month's whatever its state. Newest
    first. Four queries, whatever the years behind."""
    if not user.unit_id:
        return []
    pairs = lead_pairs(industries_for(user, Action.FILE), unit=user.unit)
    if not pairs:
        return []
    industry_ids = {industry.pk for industry, _unit in pairs}
    mine = MonthlyUpdate.objects.filter(unit=user.unit, industry_id__in=industry_ids)
    still_open = mine.filter(status__in=[UpdateStatus.DRAFT, UpdateStatus.RETURNED])
    periods = list(
        ReportingPeriod.objects.filter(
            Q(year__lt=today.year) | Q(year=today.year, month__lte=today.month)
        )
        .filter(
            Q(year=today.year)
            | Q(lock_date__gte=datetime.date(today.year, 1, 1))
            | Q(pk__in=still_open.values("period_id"))
        )
        .order_by("-year", "-month")
    )
    if not periods:
        return []
    latest = periods[0]
    updates = {
        (u.period_id, u.industry_id): u
        for u in mine.filter(period__in=periods).only(
            "id",
            "period_id",
            "industry_id",
            "unit_id",
            "status",
            "first_submitted_at",
            "version",
            "reopened_until",
        )
    }
    # A month may start from the text of an earlier one: each industry's first month with an
    # update (the first of its updates in month order, by the index, not all of them).
    first = dict(
        Industry.objects.filter(pk__in=industry_ids)
        .annotate(
            first=Subquery(
                mine.filter(industry=OuterRef("pk"))
                .order_by("period__year", "period__month")
                .annotate(ym=F("period__year") * 12 + F("period__month"))
                .values("ym")[:1]
            )
        )
        .values_list("pk", "first")
    )
    calendar = WorkCalendar.current()
    calendar.mark(periods)
    items = []
    for period in periods:
        for industry, unit in pairs:
            update = updates.get((period.pk, industry.pk))
            if update is not None:
                update.period = period
            status = due_status(update, period, today)
            if status == DueStatus.ACCEPTED and period != latest:
                continue
            if (
                status in (DueStatus.SUBMITTED_ON_TIME, DueStatus.SUBMITTED_LATE)
                and period != latest
            ):
                continue
            has_previous = (first.get(industry.pk) or 1e9) < period.year * 12 + period.month
            items.append(
                DueItem(
                    period=period,
                    industry=industry,
                    unit=unit,
                    update=update,
                    status=status,
                    light=light(status, period, today, calendar),
                    working_days_left=calendar.working_days_until(today, period.deadline),
                    can_carry_over=update is None and has_previous,
                    locked=is_locked(update, today)
                    if update is not None
                    else today > period.lock_date,
                )
            )
    return items


def contribution_items(user: User, today: datetime.date) -> list[MonthlyUpdate]:
    """Open updates of industries the user's unit supports: where it can add its inputs."""
    if not user.unit_id:
        return []
    return list(
        MonthlyUpdate.objects.filter(
            period__in=open_periods(today), industry__in=industries_for(user, Action.CONTRIBUTE)
        )
        .exclude(status=UpdateStatus.ACCEPTED)
        .select_related("industry", "unit", "period")
        .only("id", "status", "industry", "unit", "period")  # not the texts (My work caches it)
        .order_by("-period__year", "-period__month", "industry__position")
    )


def update_for_page(pk: int) -> MonthlyUpdate:
    """An update with everything its pages show, in a fixed number of queries."""
    return (
        MonthlyUpdate.objects.select_related(
            "industry__category",
            "industry__assignment",
            "unit",
            "period",
            "carried_over_from__period",
        )
        .prefetch_related(
            "key_projects",
            # A problem a leader instructed on (批示) stays as written: it is marked, and the
            # unit's saves leave it alone as they leave escalated ones.
            Prefetch(
                "problems",
                queryset=Problem.objects.annotate(
                    instructed=Exists(Instruction.objects.filter(problem=OuterRef("pk")))
                ),
            ),
            Prefetch("attachments", queryset=Attachment.objects.filter(removed_at__isnull=True)),
            Prefetch(
                "contributions", queryset=Contribution.objects.select_related("unit", "author")
            ),
        )
        .get(pk=pk)
    )


def unit_month_updates(unit_id: int | None, period: ReportingPeriod) -> list[MonthlyUpdate]:
    """A unit's updates of a month in matrix order, with their industry (one query)."""
    return list(
        MonthlyUpdate.objects.filter(period=period, unit_id=unit_id)
        .select_related("industry", "unit", "period")
        .order_by("industry__category__position", "industry__position")
    )


def last_return(update: MonthlyUpdate) -> UpdateEvent | None:
    """The latest return (or unlock): its reasons and the content as it was returned."""
    return (
        update.events.filter(kind__in=RETURN_KINDS)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def history(update: MonthlyUpdate) -> QuerySet[UpdateEvent]:
    return update.events.select_related("actor__unit").order_by("-at", "-id")


def returned_to_me(items: list[DueItem]) -> list[tuple[DueItem, UpdateEvent | None]]:
    """Of a unit's due items, those the DRC returned, whatever the month, the oldest first, each
    with the return that sent it back (its reasons). One query."""
    returned = [item for item in items if item.status == DueStatus.RETURNED and item.update]
    latest = {}
    # What the list shows of a return (My work keeps it in the cache: no snapshot, and of the
    # actor only the name, never the password hash).
    events = (
        UpdateEvent.objects.filter(
            update__in=[item.update for item in returned], kind__in=RETURN_KINDS
        )
        .select_related("actor")
        .only(
            "id",
            "update_id",
            "at",
            "reason",
            "actor__id",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
        )
    )
    for event in events.order_by("at", "id"):
        latest[event.update_id] = event
    returned.sort(key=lambda item: (item.period.year, item.period.month, item.industry.position))
    return [(item, latest.get(item.update.pk)) for item in returned]


def review_waiting() -> list[dict]:
    """The DRC's work list: every update waiting for review, whatever its month, the oldest
    submission first; a resubmission (returned or unlocked before) says so and names the
    sections changed since. Five queries whatever the number waiting."""
    updates = list(
        MonthlyUpdate.objects.filter(status=UpdateStatus.SUBMITTED)
        .select_related("industry", "unit", "period")
        .prefetch_related("key_projects", "problems", "attachments")
        .order_by("submitted_at", "pk")
    )
    latest = {}
    for event in UpdateEvent.objects.filter(update__in=updates, kind__in=RETURN_KINDS).order_by(
        "at", "id"
    ):
        latest[event.update_id] = event  # the latest return wins
    rows = []
    for update in updates:
        returned = latest.get(update.pk)
        rows.append(
            {
                "update": update,
                "returned": returned,
                "changed": changed_sections(returned.snapshot, update_snapshot(update))
                if returned
                else [],
            }
        )
    return rows


def default_review_period(today: datetime.date) -> ReportingPeriod | None:
    """The month the DRC most likely reviews: the newest with submissions waiting, else the
    newest month before the current one."""
    waiting = (
        ReportingPeriod.objects.filter(updates__status=UpdateStatus.SUBMITTED)
        .order_by("-year", "-month")
        .first()
    )
    if waiting:
        return waiting
    earlier = ReportingPeriod.objects.filter(
        Q(year__lt=today.year) | Q(year=today.year, month__lt=today.month)
    )
    return earlier.first() or ReportingPeriod.objects.first()


def review_queue(period: ReportingPeriod, *, industry=None, unit=None, status=None) -> list[dict]:
    """For the DRC: every (industry, lead unit) of a month with its update and state."""
    pairs = lead_pairs(Industry.objects.filter(pk=industry.pk) if industry else None, unit=unit)
    updates = {
        (u.industry_id, u.unit_id): u
        for u in MonthlyUpdate.objects.filter(period=period).only(
            "id",
            "industry_id",
            "unit_id",
            "status",
            "first_submitted_at",
            "submitted_at",
            "version",
            "period_id",
        )
    }

    now = today()
    rows = []
    for ind, u in pairs:
        update = updates.get((ind.pk, u.pk))
        if update is not None:
            update.period = period
        state = due_status(update, period, now)
        if status and state != status:
            continue
        rows.append({"industry": ind, "unit": u, "update": update, "status": state})
    return rows
