"""Reads of the innovation registers: an industry's (or every readable industry's) platforms,
research projects with their milestones, and the months' transfers and talent; the month's
entries an update shows; and the summary the dashboard and the reports carry. Each a bounded
number of queries."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from chains.models import Industry
from reporting.innovation.models import PlatformLevel, PlatformStatus, TalentKind, TechStatus
from reporting.models import (
    InnovationEvent,
    InnovationPlatform,
    ResultTransfer,
    TalentIntake,
    TechMilestone,
    TechProject,
)


def _kept(model, industries: QuerySet[Industry]):
    return model.objects.filter(industry__in=industries, removed_at__isnull=True).select_related(
        "industry", "unit"
    )


LATEST = 50  # the year's transfers and talent shown row by row; the totals count them all


def registers(industries: QuerySet[Industry], year: int) -> dict:
    """The registers of the industries: platforms, the research projects running in the year
    (with milestones), and the year's latest transfers and talent entries. Five queries."""
    projects = list(
        _kept(TechProject, industries)
        .filter(start_on__year__lte=year, end_on__year__gte=year)
        .prefetch_related("milestones")
        .order_by("industry__position", "-start_on", "name")
    )
    return {
        "platforms": list(_kept(InnovationPlatform, industries).select_related("district")),
        "projects": projects,
        "transfers": list(_kept(ResultTransfer, industries).filter(year=year)[:LATEST]),
        "talent": list(_kept(TalentIntake, industries).filter(year=year)[:LATEST]),
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


def summary(
    industries: QuerySet[Industry] | None, year: int, until_month: int, on: datetime.date
) -> dict:
    """The innovation picture of the industries (None: all) for the year up to the month:
    platforms by level (and those new this year), research projects in progress and their
    milestones reached or overdue, results transferred (count and contract value) and talent
    by type. Five queries."""

    def kept(model):
        rows = model.objects.filter(removed_at__isnull=True)
        return rows if industries is None else rows.filter(industry__in=industries)

    platforms = (
        kept(InnovationPlatform)
        .exclude(status=PlatformStatus.REVOKED)
        .aggregate(
            total=Count("id"),
            new=Count("id", filter=Q(year=year)),
            **{level: Count("id", filter=Q(level=level)) for level in PlatformLevel.values},
        )
    )
    milestones = TechMilestone.objects.filter(project__in=kept(TechProject)).aggregate(
        reached=Count("id", filter=Q(done_on__year=year, done_on__month__lte=until_month)),
        overdue=Count("id", filter=Q(done_on__isnull=True, due_on__lt=on)),
    )
    projects = kept(TechProject).aggregate(
        running=Count("id", filter=Q(status=TechStatus.IN_PROGRESS)),
        budget=Sum("budget", filter=Q(status=TechStatus.IN_PROGRESS)),
    )
    transfers = (
        kept(ResultTransfer)
        .filter(year=year, month__lte=until_month)
        .aggregate(count=Sum("count"), value=Sum("contract_value"))
    )
    talent = {
        row["kind"]: row["n"]
        for row in kept(TalentIntake)
        .filter(year=year, month__lte=until_month)
        .order_by()
        .values("kind")
        .annotate(n=Sum("count"))
    }
    levels = dict(PlatformLevel.choices)
    return {
        "year": year,
        "until_month": until_month,
        "platforms": platforms["total"],
        "platforms_new": platforms["new"],
        "platform_levels": [(levels[v], platforms[v]) for v in PlatformLevel.values],
        "projects_running": projects["running"],
        "projects_budget": projects["budget"] or Decimal(0),
        "milestones_reached": milestones["reached"],
        "milestones_overdue": milestones["overdue"],
        "transfers": transfers["count"] or 0,
        "transfer_value": transfers["value"] or Decimal(0),
        "talent": [(kind.label, talent.get(kind.value, 0)) for kind in TalentKind],
        "talent_total": sum(talent.values()),
    }


def history(record) -> list[InnovationEvent]:
    return list(
        InnovationEvent.objects.filter(
            record=type(record).__name__, record_id=record.pk
        ).select_related("actor")
    )
