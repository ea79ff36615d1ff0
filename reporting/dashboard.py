"""The DRC dashboard's reporting figures, aggregated in the database: for a month, per industry
and per lead unit, how many updates are expected, received, on time, late and missing; and a
grid of industries × months. A fixed number of queries whatever the data size."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from chains.choices import UnitRole
from chains.models import Industry, Unit

from .choices import UpdateStatus
from .models import MonthlyUpdate, ReportingPeriod


def _on_time_before(period: ReportingPeriod) -> datetime.datetime:
    """Submissions before the end of the deadline day (Asia/Shanghai) are on time."""
    return timezone.make_aware(
        datetime.datetime.combine(period.deadline + datetime.timedelta(days=1), datetime.time())
    )


def _counts(period: ReportingPeriod, scope: Q | None = None) -> dict:
    """Counted over the related `updates` of the period (and scope)."""
    in_period = Q(updates__period=period) & (scope or Q())
    received = in_period & Q(updates__first_submitted_at__isnull=False)
    on_time = received & Q(updates__first_submitted_at__lt=_on_time_before(period))
    accepted = in_period & Q(updates__status=UpdateStatus.ACCEPTED)
    return {
        "received": Count("updates", filter=received, distinct=True),
        "on_time": Count("updates", filter=on_time, distinct=True),
        "accepted": Count("updates", filter=accepted, distinct=True),
    }


def by_industry(period: ReportingPeriod, industries: QuerySet[Industry]) -> list[Industry]:
    """Each industry with expected (its lead units), received, on_time, late, missing."""
    expected = dict(
        industries.values("pk")
        .annotate(
            n=Count("assignment__unit_links", filter=Q(assignment__unit_links__role=UnitRole.LEAD))
        )
        .values_list("pk", "n")
    )
    rows = list(industries.select_related("category").annotate(**_counts(period)))
    for row in rows:
        row.expected = expected.get(row.pk, 0)
        row.late = row.received - row.on_time
        row.missing = max(row.expected - row.received, 0)
    return rows


def by_unit(period: ReportingPeriod, industries: QuerySet[Industry]) -> list[Unit]:
    """Each lead unit with the same counts over the industries shown."""
    lead = Q(
        assignment_links__role=UnitRole.LEAD,
        assignment_links__assignment__industries__in=industries,
    )
    expected = dict(
        Unit.objects.filter(lead)
        .values("pk")
        .annotate(n=Count("assignment_links__assignment__industries", filter=lead, distinct=True))
        .values_list("pk", "n")
    )
    counts = _counts(period, Q(updates__industry__in=industries))
    rows = list(Unit.objects.filter(pk__in=expected).annotate(**counts).order_by("position"))
    for row in rows:
        row.expected = expected[row.pk]
        row.late = row.received - row.on_time
        row.missing = max(row.expected - row.received, 0)
    return rows


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
            first=Min("id"),
            n=Count("id"),
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
                    data.get("first") if data.get("n") == 1 and want == 1 else None,
                    state,
                )
            )
        table.append((industry, row))
    return table
