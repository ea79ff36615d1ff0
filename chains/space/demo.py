"""Demo leading industries (`make run` only), read from the demo carrier areas."""

from chains.choices import UnitKind
from chains.models import CarrierArea, LeadingIndustry


def demo_leading_industries_seed() -> int:
    """Each district or zone leads on the industries of its demo carrier areas (主导产业)."""
    pairs = {
        (area.unit_id, industry.pk)
        for area in CarrierArea.objects.filter(
            is_demo=True, unit__kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]
        ).prefetch_related("industries")
        for industry in area.industries.all()
    }
    existing = set(LeadingIndustry.objects.values_list("unit_id", "industry_id"))
    LeadingIndustry.objects.bulk_create(
        LeadingIndustry(unit_id=unit, industry_id=industry) for unit, industry in pairs - existing
    )
    return len(pairs - existing)
