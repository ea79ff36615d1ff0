"""TODO docstring (reporting.demo)."""


def demo_leading_industries_seed() -> int:
    """Each district or zone leads on the industries of its demo carrier areas (主导产业)."""
    from chains.choices import UnitKind
    from chains.models import CarrierArea, LeadingIndustry

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
