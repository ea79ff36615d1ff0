"""Reads of the innovation registers: an industry's (or every readable industry's) platforms,
research projects with their milestones, and the months' transfers and talent; the month's
entries an update shows; and the summary the dashboard and the reports carry. Each a bounded
number of queries."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from chains.matrix.models import display_name
from chains.models import Industry, Unit
from portal.months import next_month
from reporting.innovation.models import PlatformLevel, PlatformStatus, TalentKind, TechStatus
from reporting.models import (
    InnovationEvent,
    InnovationPlatform,
    ResultTransfer,
    TalentIntake,
    TechMilestone,
    TechProject,
)


def _kept(model, industries: QuerySet[Industry], district: Unit | None = None) -> QuerySet:
    rows = model.objects.filter(industry__in=industries, removed_at__isnull=True)
    if district is not None:
        rows = rows.filter(district=district)
    return rows.select_related("industry", "district")


LATEST = 50  # platforms, transfers and talent shown row by row; the totals count them all


def registers(industries: QuerySet[Industry], year: int, district: Unit | None = None) -> dict:
    """The registers of the industries (in the district, if given): the latest platforms, the
    research projects running in the year (with milestones), and the year's latest transfers
    and talent entries. Five queries."""
    projects = list(
        _kept(TechProject, industries, district)
        .filter(start_on__year__lte=year, end_on__year__gte=year)
        .prefetch_related("milestones")
        .order_by("industry__position", "-start_on", "name")
    )
    return {
        "platforms": list(
            _kept(InnovationPlatform, industries, district).order_by(
                "-year", "industry__position", "name"
            )[:LATEST]
        ),
        "projects": projects,
        "transfers": list(_kept(ResultTransfer, industries, district).filter(year=year)[:LATEST]),
        "talent": list(_kept(TalentIntake, industries, district).filter(year=year)[:LATEST]),
        "latest": LATEST,
    }


def month_entries(industry: Industry, year: int, month: int) -> dict:
    """What an industry's monthly update shows under 科技创新 for its month: the transfers and
    talent recorded for it, and the milestones due or reached in it. Three queries."""
    first = datetime.date(year, month, 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return {
        "transfers": list(
            ResultTransfer.objects.filter(
                industry=industry, year=year, month=month, removed_at__isnull=True
            )
        ),
        "talent": list(
            TalentIntake.objects.filter(
                industry=industry, year=year, month=month, removed_at__isnull=True
            )
        ),
        "milestones": list(
            TechMilestone.objects.filter(
                project__industry=industry, project__removed_at__isnull=True
            )
            .filter(Q(due_on__range=(first, last)) | Q(done_on__range=(first, last)))
            .select_related("project")
        ),
    }


def update_month(update) -> dict:
    """month_entries for a monthly update's industry and month."""
    return month_entries(update.industry, update.period.year, update.period.month)


DISTRICT = ("district__code", "district__name", "district__name_en", "district__position")


def summary(
    industries: QuerySet[Industry] | None,
    year: int,
    until_month: int,
    on: datetime.date,
    district: Unit | None = None,
) -> dict:
    """The innovation picture of the industries (None: all) for the year up to the month, as
    it then stood: platforms by level (and those new this year), research projects running in
    the year (not stopped) and their milestones reached, or overdue at the month's end;
    results transferred (count and contract value) and talent by type; in all and per
    district (where the platform, the lead enterprise or the taking enterprise is; city-level
    records in a row of their own), only the district's if given. Five queries."""

    def kept(model) -> QuerySet:
        rows = model.objects.filter(removed_at__isnull=True)
        rows = rows if industries is None else rows.filter(industry__in=industries)
        rows = rows if district is None else rows.filter(district=district)
        return rows.order_by()

    districts: dict[str | None, dict] = {}

    def place_of(row) -> dict:
        code = row["district__code"]
        if code not in districts:
            districts[code] = {
                "code": code,
                "name": display_name(row["district__name"], row["district__name_en"])
                if code
                else _("City level (no district)"),
                "position": row["district__position"],
                "platforms": 0,
                "projects_running": 0,
                "transfers": 0,
                "transfer_value": Decimal(0),
                "talent": 0,
            }
        return districts[code]

    # As the month ended (or today, within it): a report on a past year counts what was then.
    first = datetime.date(year, 1, 1)
    after = next_month(year, until_month)
    cutoff = min(on, datetime.date(*after, 1) - datetime.timedelta(days=1))
    platforms = {"total": 0, "new": 0, **dict.fromkeys(PlatformLevel.values, 0)}
    for row in (
        kept(InnovationPlatform)
        .filter(year__lte=year)
        .exclude(status=PlatformStatus.REVOKED)
        .values(*DISTRICT)
        .annotate(
            total=Count("id"),
            new=Count("id", filter=Q(year=year)),
            **{level: Count("id", filter=Q(level=level)) for level in PlatformLevel.values},
        )
    ):
        place_of(row)["platforms"] = row["total"]
        for key in platforms:
            platforms[key] += row[key]
    milestones = TechMilestone.objects.filter(project__in=kept(TechProject)).aggregate(
        reached=Count("id", filter=Q(done_on__year=year, done_on__month__lte=until_month)),
        overdue=Count(
            "id",
            filter=Q(due_on__lt=cutoff) & (Q(done_on__isnull=True) | Q(done_on__gt=cutoff)),
        ),
    )
    running, budget = 0, Decimal(0)
    for row in (
        kept(TechProject)
        .filter(start_on__lte=cutoff, end_on__gte=first)
        .exclude(status=TechStatus.STOPPED)
        .values(*DISTRICT)
        .annotate(n=Count("id"), money=Sum("budget"))
    ):
        place_of(row)["projects_running"] = row["n"]
        running += row["n"]
        budget += row["money"] or 0
    transfers, value = 0, Decimal(0)
    for row in (
        kept(ResultTransfer)
        .filter(year=year, month__lte=until_month)
        .values(*DISTRICT)
        .annotate(n=Sum("count"), money=Sum("contract_value"))
    ):
        place = place_of(row)
        place["transfers"], place["transfer_value"] = row["n"], row["money"]
        transfers += row["n"]
        value += row["money"]
    talent: dict[str, int] = dict.fromkeys(TalentKind.values, 0)
    for row in (
        kept(TalentIntake)
        .filter(year=year, month__lte=until_month)
        .values(*DISTRICT, "kind")
        .annotate(n=Sum("count"))
    ):
        place_of(row)["talent"] += row["n"]
        talent[row["kind"]] = talent.get(row["kind"], 0) + row["n"]
    levels = dict(PlatformLevel.choices)
    return {
        "year": year,
        "until_month": until_month,
        "platforms": platforms["total"],
        "platforms_new": platforms["new"],
        "platform_levels": [(levels[v], platforms[v]) for v in PlatformLevel.values],
        "projects_running": running,
        "projects_budget": budget,
        "milestones_reached": milestones["reached"],
        "milestones_overdue": milestones["overdue"],
        "transfers": transfers,
        "transfer_value": value,
        "talent": [(kind.label, talent[kind.value]) for kind in TalentKind],
        "talent_total": sum(talent.values()),
        "districts": sorted(
            districts.values(),
            key=lambda d: (d["code"] is None, d["position"] or 0, d["code"] or ""),
        ),
    }


def history(record) -> list[InnovationEvent]:
    return list(
        InnovationEvent.objects.filter(
            record=type(record).__name__, record_id=record.pk
        ).select_related("actor")
    )
