"""Reads of land and space items: an update's items, the items a user may see, totals in mu
(converted in the database), and each carrier area's items for an industry. One query each."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from accounts.access import industries_for, reads_everything
from accounts.choices import Action
from accounts.models import User
from chains.models import CarrierArea, Industry, Unit
from reporting.choices import LandKind, LandStatus
from reporting.land.services import area_in_mu
from reporting.models import LandItem, MonthlyUpdate


def _listed(items: QuerySet[LandItem]) -> QuerySet[LandItem]:
    return items.select_related("unit", "industry", "carrier", "update__period")


def land_items_for_update(update: MonthlyUpdate) -> list[LandItem]:
    """The land items reported with one monthly update (one query)."""
    return list(_listed(LandItem.objects.filter(update=update)))


def land_items_visible(user: User, year: int, unit: Unit | None = None) -> QuerySet[LandItem]:
    """The year's land items the user may read (of one unit, if given): system-wide readers
    all; others their own unit's and those of the industries they view. One query."""
    items = LandItem.objects.filter(year=year)
    if unit is not None:
        items = items.filter(unit=unit)
    if not reads_everything(user):
        readable = Q(industry__in=industries_for(user, Action.VIEW))
        if user.unit_id:
            readable |= Q(unit_id=user.unit_id)
        items = items.filter(readable)
    return _listed(items)


def land_totals(
    year: int | None = None,
    industries: QuerySet[Industry] | None = None,
    *,
    until_month: int | None = None,
    district: Unit | None = None,
) -> dict:
    """Per kind of land item: how many, their area in mu, and the area completed; and the
    totals. One query. `industries` (None: all items, with or without an industry) and
    `district` (items it reported or in its carrier areas) narrow the items counted."""
    items = LandItem.objects.all()
    if year is not None:
        items = items.filter(year=year)
        if until_month is not None:
            items = items.filter(month__lte=until_month)
    if industries is not None:
        items = items.filter(industry__in=industries)
    if district is not None:
        items = items.filter(Q(unit=district) | Q(carrier__unit=district))
    found = {
        row["kind"]: row
        for row in items.values("kind").annotate(
            n=Count("id"),
            mu=Sum(area_in_mu()),
            done=Sum(area_in_mu(), filter=Q(status=LandStatus.DONE)),
        )
    }
    cent = Decimal("0.01")
    rows = []
    for kind in LandKind:
        row = found.get(kind.value, {})
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "count": row.get("n", 0),
                "area_mu": Decimal(row.get("mu") or 0).quantize(cent),
                "done_mu": Decimal(row.get("done") or 0).quantize(cent),
            }
        )
    return {
        "rows": rows,
        "count": sum(r["count"] for r in rows),
        "area_mu": sum((r["area_mu"] for r in rows), Decimal("0.00")),
    }


def carrier_areas_for_industry(industry: Industry) -> list[CarrierArea]:
    """The industry's carrier areas with their district, and how many land items (and mu)
    have been reported in each for the industry. One query."""
    of_industry = Q(land_items__industry=industry)
    return list(
        CarrierArea.objects.filter(industries=industry)
        .select_related("unit")
        .annotate(
            land_count=Count("land_items", filter=of_industry, distinct=True),
            land_mu=Sum(area_in_mu("land_items__"), filter=of_industry),
        )
        .order_by("kind", "unit__position", "name")
    )
