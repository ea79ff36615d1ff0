"""Demo carrier areas and land items (`make run` only), consistent with the demo updates and
never dated in the future."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from chains.choices import UnitRole
from chains.matrix.demo import DEMO_FIRST
from chains.models import AssignmentUnit, CarrierArea, Industry, Unit
from portal.dataversion import data_changed, topics
from portal.months import previous_month
from reporting.choices import AreaUnit, LandKind, LandStatus
from reporting.models import LandItem, MonthlyUpdate
from reporting.periods import services

# (name, kind, district or zone, industries, planned area in mu)
DEMO_CARRIERS = [
    (
        "火炬（翔安）产业区",
        "main",
        "火炬管委会",
        ["electronic-information", "third-generation-semiconductors", "new-energy"],
        30000,
    ),
    (
        "厦门软件园三期",
        "main",
        "集美区",
        ["electronic-information", "future-networks", "culture-tourism-creative"],
        15300,
    ),
    ("同安工业集中区", "main", "同安区", ["machinery-equipment", "new-materials"], 12000),
    (
        "海沧生物医药港",
        "main",
        "海沧区",
        ["biomedicine", "genes-biotechnology"],
        6500,
    ),
    (
        "同翔高新城",
        "main",
        "翔安区",
        ["new-energy", "hydrogen-energy-storage", "machinery-equipment", "new-materials"],
        22000,
    ),
    ("两岸金融中心核心区", "main", "思明区", ["financial-services"], 2800),
    (
        "自贸区厦门片区东渡—海沧港区",
        "main",
        "自贸区管委会",
        ["commerce-logistics", "financial-services"],
        9000,
    ),
    ("集美机械工业集中区", "park", "集美区", ["machinery-equipment"], 5200),
    ("湖里创新园", "park", "湖里区", ["electronic-information", "culture-tourism-creative"], 1200),
    ("沙坡尾文创片区", "park", "思明区", ["culture-tourism-creative"], 300),
    (
        "厦门海洋高新产业园",
        "park",
        "海沧区",
        ["deep-sea-aerospace", "frontier-strategic-materials", "biomedicine"],
        3500,
    ),
    ("厦龙山海协作经济区", "enclave", "火炬管委会", ["machinery-equipment", "new-materials"], 8000),
]

DEMO_NAMES = {
    LandKind.SUPPLIED: "{carrier}{n}号工业用地出让",
    LandKind.MIXED_USE: "{carrier}M1/M0混合用地{n}号地块",
    LandKind.STANDARD_LAND: "{carrier}“标准地”{n}号地块",
    LandKind.INEFFICIENT: "{carrier}低效工业用地整治（{n}宗）",
    LandKind.FACTORY: "{carrier}通用厂房{n}期",
    LandKind.ENCLAVE: "{carrier}飞地合作项目{n}期",
    LandKind.UNSUPPLIED: "{district}批而未供土地处置（{n}宗）",
}

# Factory space is counted in floor area (m²); land in mu.
DEMO_AREAS = {
    LandKind.SUPPLIED: (AreaUnit.MU, 30, 260),
    LandKind.MIXED_USE: (AreaUnit.MU, 15, 120),
    LandKind.STANDARD_LAND: (AreaUnit.MU, 20, 150),
    LandKind.INEFFICIENT: (AreaUnit.MU, 10, 200),
    LandKind.FACTORY: (AreaUnit.SQUARE_METRE, 8000, 120000),
    LandKind.ENCLAVE: (AreaUnit.MU, 200, 1500),
    LandKind.UNSUPPLIED: (AreaUnit.MU, 20, 400),
}


def land_demo(today: datetime.date | None = None, months: int = 12) -> tuple[int, int]:
    """Plausible carrier areas for the districts and zones, and `months` months of land
    items (is_demo) reported by the carriers' districts and by the industries' lead units
    (those with their monthly updates, when there is one). Run again, it adds nothing.
    Returns (carrier areas created, land items created)."""
    today = today or services.today()
    with transaction.atomic():
        carriers = _demo_carriers()
        if LandItem.objects.filter(is_demo=True).exists():
            return carriers, 0
        items = _demo_items(today, months)
        LandItem.objects.bulk_create(items)
        if items:
            data_changed(topics.LAND)
    return carriers, len(items)


def _demo_carriers() -> int:
    units = {u.name: u for u in Unit.objects.filter(name__in={c[2] for c in DEMO_CARRIERS})}
    industries = {i.code: i for i in Industry.objects.all()}
    created = 0
    for name, kind, unit_name, codes, area in DEMO_CARRIERS:
        if unit_name not in units or CarrierArea.objects.filter(name=name).exists():
            continue
        carrier = CarrierArea(
            name=name, kind=kind, unit=units[unit_name], area_mu=Decimal(area), is_demo=True
        )
        carrier.full_clean()
        carrier.save()
        carrier.industries.set([industries[c] for c in codes if c in industries])
        created += 1
    return created


def _demo_items(today: datetime.date, months: int) -> list[LandItem]:

    rng = random.Random(2024)
    staff = {}
    for user in User.objects.filter(unit__isnull=False, is_active=True).order_by(*DEMO_FIRST):
        staff.setdefault(user.unit_id, user)
    carriers = list(CarrierArea.objects.select_related("unit").prefetch_related("industries"))
    lead_units = {}
    for link in AssignmentUnit.objects.filter(role=UnitRole.LEAD).prefetch_related(
        "assignment__industries"
    ):
        for industry in link.assignment.industries.all():
            lead_units.setdefault(industry.pk, []).append(link.unit_id)
    updates = {
        (u.unit_id, u.industry_id, u.period.year, u.period.month): u
        for u in MonthlyUpdate.objects.select_related("period").filter(is_demo=True)
    }
    year, month = today.year, today.month
    items = []
    for _ in range(months):
        year, month = previous_month(year, month)
        for carrier in carriers:
            industries = list(carrier.industries.all())
            if not industries or rng.random() < 0.45:
                continue
            kind = rng.choice(list(DEMO_AREAS))
            if carrier.kind == "enclave":
                kind = LandKind.ENCLAVE
            elif kind == LandKind.ENCLAVE:
                kind = LandKind.SUPPLIED
            industry = rng.choice(industries)
            # About a third come from the industry's lead unit, with its monthly update.
            reporter, update = carrier.unit_id, None
            leads = [u for u in lead_units.get(industry.pk, []) if u in staff]
            if leads and rng.random() < 0.35:
                reporter = rng.choice(leads)
                update = updates.get((reporter, industry.pk, year, month))
            if reporter not in staff:
                continue
            area_unit, low, high = DEMO_AREAS[kind]
            n = rng.randint(1, 12)
            item = LandItem(
                unit_id=reporter,
                industry=industry,
                carrier=carrier,
                update=update,
                year=year,
                month=month,
                kind=kind,
                name=DEMO_NAMES[kind].format(carrier=carrier.name, district=carrier.unit.name, n=n),
                area=Decimal(rng.randint(low, high)),
                area_unit=area_unit,
                status=rng.choice(
                    [LandStatus.PLANNED, LandStatus.IN_PROGRESS, LandStatus.DONE, LandStatus.DONE]
                ),
                note="演示数据",
                created_by=staff[reporter],
                is_demo=True,
            )
            # Related rows were just read; skip re-checking each foreign key by a query.
            item.full_clean(exclude=["unit", "industry", "carrier", "update", "created_by"])
            items.append(item)
    return items
