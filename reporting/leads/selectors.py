"""Reads of investment leads: the list as the user may read it (filters, sort), a lead's page,
the pipeline by stage and district, and the enterprises two units court at once."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from accounts.models import User
from reporting.leads.access import readable_leads
from reporting.leads.models import LeadStage
from reporting.models import InvestmentLead


@dataclass
class LeadFilters:
    stage: str = ""
    industry: str = ""
    district: str = ""
    unit: str = ""
    duplicates: bool = False
    q: str = ""


def _with_duplicates(leads: QuerySet[InvestmentLead]) -> QuerySet[InvestmentLead]:
    others = InvestmentLead.objects.filter(
        target_key=OuterRef("target_key"), removed_at__isnull=True
    ).exclude(unit_id=OuterRef("unit_id"))
    return leads.annotate(duplicated=Exists(others))


def leads(user: User, filters: LeadFilters) -> QuerySet[InvestmentLead]:
    """The leads the user may read, not taken out, filtered (one query when evaluated)."""
    found = _with_duplicates(readable_leads(user).filter(removed_at__isnull=True))
    if filters.stage in LeadStage.values:
        found = found.filter(stage=filters.stage)
    if filters.industry:
        found = found.filter(industry__code=filters.industry)
    if filters.district:
        found = found.filter(district__code=filters.district)
    if filters.unit:
        found = found.filter(unit__code=filters.unit)
    if filters.duplicates:
        found = found.filter(duplicated=True)
    if filters.q:
        found = found.filter(Q(target__icontains=filters.q) | Q(next_step__icontains=filters.q))
    return found.select_related("industry", "district", "unit", "project").order_by(
        "-updated_at", "-id"
    )


def summary(found: QuerySet[InvestmentLead]) -> dict:
    """Per stage: how many and the expected investment (one query)."""
    rows = {
        row["stage"]: row
        for row in found.order_by()
        .values("stage")
        .annotate(n=Count("id"), money=Sum("expected_investment"))
    }
    return {
        "stages": [
            {
                "stage": stage.value,
                "label": stage.label,
                "count": rows.get(stage, {}).get("n", 0),
                "investment": rows.get(stage, {}).get("money") or Decimal(0),
            }
            for stage in LeadStage
        ]
    }


def lead_page(lead: InvestmentLead) -> dict:
    """A lead's history and the other units' leads on the same enterprise (two queries)."""
    return {
        "events": list(lead.events.select_related("actor")),
        "duplicates": list(
            InvestmentLead.objects.filter(target_key=lead.target_key, removed_at__isnull=True)
            .exclude(pk=lead.pk)
            .exclude(unit_id=lead.unit_id)
            .select_related("unit")
        ),
    }


def signed_by_district(year: int, until_month: int) -> dict[int, int]:
    """Leads signed in the year up to the month, per district or development zone that follows
    them: what the assessment counts (one query)."""
    return {
        row["unit"]: row["n"]
        for row in InvestmentLead.objects.filter(
            removed_at__isnull=True,
            stage__in=[LeadStage.SIGNED, LeadStage.LANDED],
            signed_on__year=year,
            signed_on__month__lte=until_month,
            unit__kind__in=["district", "zone"],
        )
        .order_by()
        .values("unit")
        .annotate(n=Count("id"))
    }


def signed_in(months: list[tuple[int, int]]):
    """Leads signed in the given (year, month)s, with their industry and unit (one query)."""
    when = Q()
    for year, month in months:
        when |= Q(signed_on__year=year, signed_on__month=month)
    return (
        InvestmentLead.objects.filter(when, removed_at__isnull=True)
        .select_related("industry", "unit")
        .order_by("signed_on", "id")
    )


def stage_counts() -> list[dict]:
    """Every lead not taken out, per stage: how many and the expected investment."""
    return summary(InvestmentLead.objects.filter(removed_at__isnull=True))["stages"]
