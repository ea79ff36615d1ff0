"""Reads of the supervision board (督办看板), the DRC's view of every item: counts by state,
by host unit, by industry and by lead official; overdue and chased items; each unit's on-time
closure rate; the items themselves, filtered and paged.

One definition of "overdue" serves the board and the districts' assessment: an item still open
after its deadline, unless its host unit reported it done by the deadline and it waits for the
DRC's review (the delay is not the unit's)."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from reporting.choices import ActionStatus
from reporting.models import ActionChase, ActionItem

# The board's state filter: what a reviewer asks for.
STATES = {
    "open": Q(status__in=ActionStatus.open_values()),
    "assigned": Q(status=ActionStatus.ASSIGNED),
    "in_progress": Q(status=ActionStatus.IN_PROGRESS),
    "reported": Q(status=ActionStatus.REPORTED),
    "closed": Q(status=ActionStatus.CLOSED),
    "ended": Q(status__in=[ActionStatus.CANCELLED, ActionStatus.MERGED]),
}
STATE_LABELS = [
    ("open", pgettext_lazy("items", "Open")),
    ("assigned", pgettext_lazy("items", "Awaiting acknowledgement")),
    ("in_progress", pgettext_lazy("items", "In progress")),
    ("reported", pgettext_lazy("items", "Awaiting review")),
    ("closed", pgettext_lazy("items", "Closed")),
    ("ended", pgettext_lazy("items", "Cancelled or merged")),
]
DIMENSIONS = {
    "unit": ("unit__code", "unit__name"),
    "industry": ("industry__code", "industry__name"),
    "official": (
        "industry__assignment__official_links__official__code",
        "industry__assignment__official_links__official__name",
    ),
}


def overdue_q(on: datetime.date) -> Q:
    """Open after its deadline, and not reported done by then (waiting on the DRC)."""
    return (
        Q(status__in=ActionStatus.open_values())
        & Q(deadline__lt=on)
        & ~Q(status=ActionStatus.REPORTED, reported_at__date__lte=F("deadline"))
    )


def is_overdue(item: ActionItem, on: datetime.date) -> bool:
    """overdue_q, for one item in hand (its light, a report's line)."""
    if not item.is_open or on <= item.deadline:
        return False
    reported_in_time = (
        item.status == ActionStatus.REPORTED
        and item.reported_at is not None
        and timezone.localtime(item.reported_at).date() <= item.deadline
    )
    return not reported_in_time


def _closed_on_time() -> Q:
    """Closed (办结), having been reported done by its deadline."""
    return Q(status=ActionStatus.CLOSED, reported_at__date__lte=F("deadline"))


@dataclass(frozen=True)
class Filters:
    state: str = ""
    industry: str = ""
    unit: str = ""
    official: str = ""
    overdue: bool = False
    chased: bool = False

    @classmethod
    def from_query(cls, query) -> "Filters":
        return cls(
            state=query.get("state", "") if query.get("state") in STATES else "",
            industry=query.get("industry", ""),
            unit=query.get("unit", ""),
            official=query.get("official", ""),
            overdue=query.get("overdue") == "1",
            chased=query.get("chased") == "1",
        )


def items(filters: Filters, on: datetime.date) -> QuerySet[ActionItem]:
    found = ActionItem.objects.annotate(
        chased=Exists(ActionChase.objects.filter(action=OuterRef("pk")))
    )
    if filters.state:
        found = found.filter(STATES[filters.state])
    if filters.industry:
        found = found.filter(industry__code=filters.industry)
    if filters.unit:
        found = found.filter(unit__code=filters.unit)
    if filters.official:
        found = found.filter(
            industry__assignment__official_links__official__code=filters.official
        ).distinct()
    if filters.overdue:
        found = found.filter(overdue_q(on))
    if filters.chased:
        found = found.filter(chased=True)
    return found


def _counts(on: datetime.date) -> dict:
    return {
        "total": Count("id", distinct=True),
        "open": Count("id", filter=STATES["open"], distinct=True),
        "assigned": Count("id", filter=STATES["assigned"], distinct=True),
        "in_progress": Count("id", filter=STATES["in_progress"], distinct=True),
        "reported": Count("id", filter=STATES["reported"], distinct=True),
        "overdue": Count("id", filter=overdue_q(on), distinct=True),
        "chased": Count("id", filter=Q(chases__isnull=False), distinct=True),
        "closed": Count("id", filter=STATES["closed"], distinct=True),
        "closed_on_time": Count("id", filter=_closed_on_time(), distinct=True),
    }


def _rate(row: dict) -> dict:
    row["on_time_rate"] = (
        round(100 * row["closed_on_time"] / row["closed"], 1) if row["closed"] else None
    )
    return row


def totals(found: QuerySet[ActionItem], on: datetime.date) -> dict:
    return _rate(found.order_by().aggregate(**_counts(on)))


def by(dimension: str, found: QuerySet[ActionItem], on: datetime.date) -> list[dict]:
    """The counts per host unit, industry or lead official (an item counts for each lead
    official of its industry), most overdue first."""
    code, name = DIMENSIONS[dimension]
    rows = (
        found.order_by()
        .filter(**{f"{code}__isnull": False})
        .values(code=F(code), name=F(name))
        .annotate(**_counts(on))
        .order_by("-overdue", "-open", "name")
    )
    return [_rate(row) for row in rows]


def page_rows(found: QuerySet[ActionItem], on: datetime.date) -> QuerySet[ActionItem]:
    """The items as the board lists them, open first, soonest deadline first; each with its
    number of chases and whether it is overdue (overdue_q)."""
    return (
        found.select_related("industry", "unit")
        .annotate(
            chases_sent=Count("chases"),
            overdue=ExpressionWrapper(overdue_q(on), output_field=BooleanField()),
        )
        .order_by(F("closed_at").asc(nulls_first=True), "deadline", "pk")
    )
