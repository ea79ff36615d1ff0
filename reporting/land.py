"""Spatial planning (空间统筹): the land and space items units report — land supplied, mixed-use
and standard-land plots, inefficient land consolidated, general-purpose factory space, enclave
cooperation, approved-but-unsupplied land to dispose of — and the carrier areas of each
industry. Writes are services (atomic, validated, refreshing the dashboard); reads are
selectors that aggregate in the database.

Areas are stored as reported, in mu (亩) or square metres; totals are in mu, converted in the
query (1 亩 = 10000/15 m², so 1 m² = 0.0015 亩, the factor AreaUnit.to_mu uses)."""

import datetime
import random
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When

from accounts.models import User
from chains.models import CarrierArea, Industry, Unit
from reporting import services
from reporting.choices import AreaUnit, LandKind, LandStatus
from reporting.dashboard import data_changed
from reporting.models import LandItem, MonthlyUpdate
from reporting.workdays import previous_month

MU_PER_SQUARE_METRE = Decimal("0.0015")  # 15 / 10000, exact: AreaUnit.to_mu in SQL

# The fields land_item_change may set; an item tied to an update keeps that update's month
# and industry.
CHANGEABLE = {
    "kind",
    "name",
    "area",
    "area_unit",
    "status",
    "note",
    "carrier",
    "industry",
    "year",
    "month",
}
TIED_TO_UPDATE = {"year", "month", "industry"}


def _area_mu(path: str = "") -> Case:
    """The item's area in mu, as a database expression (`path`: the lookup to the land items,
    e.g. "land_items__", when reading them from a related model). Multiplying by the exact
    decimal factor (rather than `* 15 / 10000`) keeps SQLite from integer division."""
    return Case(
        When(
            **{f"{path}area_unit": AreaUnit.SQUARE_METRE},
            then=F(f"{path}area") * Value(MU_PER_SQUARE_METRE),
        ),
        default=F(f"{path}area"),
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )


def _require_own_unit(user: User, unit_id: int) -> None:
    if not (user.is_authenticated and user.unit_id and user.unit_id == unit_id):
        raise PermissionDenied("只有本单位人员可以填报或修改本单位的用地事项。")


def _check_month(year: int, month: int) -> None:
    if not 1 <= int(month) <= 12:
        raise ValidationError({"month": "月份应在1至12之间。"})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": "年份不正确。"})


def carrier_choices(user: User, industry_id: int | None = None) -> QuerySet[CarrierArea]:
    """The carrier areas the user's unit may attach a land item to: its own, and those hosting
    an industry it leads (files for) — with `industry_id`, that industry only. What the form
    offers; `_check_carrier` decides for the item actually saved."""
    from accounts.access import industries_for
    from accounts.choices import Action

    led = industries_for(user, Action.FILE)
    if industry_id is not None:
        led = led.filter(pk=industry_id)
    hosting = CarrierArea.objects.filter(industries__in=led).values("pk")
    return CarrierArea.objects.filter(Q(unit_id=user.unit_id) | Q(pk__in=hosting))


def _check_carrier(
    *, user: User, unit_id: int, carrier: CarrierArea | None, industry: Industry | None
) -> None:
    """A unit counts area only towards its own carrier areas, or — a lead unit reporting on
    its industry — towards a carrier area that hosts the industry. Otherwise a district could
    add to another district's carrier totals (land_totals(district=...))."""
    from accounts.access import can
    from accounts.choices import Action

    if carrier is None or carrier.unit_id == unit_id:
        return
    if (
        industry is not None
        and carrier.industries.filter(pk=industry.pk).exists()
        and can(user, Action.FILE, industry)
    ):
        return
    raise ValidationError(
        {
            "carrier": f"“{carrier.name}”是{carrier.unit.name}的载体，不能登记本单位的这项用地。"
            "只能选择本单位的载体；产业牵头单位还可选择承载该产业的载体（须选定该产业）。"
        }
    )


# --- services --------------------------------------------------------------------------------


@transaction.atomic
def land_item_add(
    *,
    user: User,
    unit: Unit,
    year: int,
    month: int,
    kind: str,
    name: str,
    area: Decimal,
    area_unit: str,
    status: str,
    industry: Industry | None = None,
    carrier: CarrierArea | None = None,
    update: MonthlyUpdate | None = None,
    note: str = "",
) -> LandItem:
    """Record a land item of the user's own unit, on its own or as part of one of the unit's
    monthly updates (then only while that update may still be edited, and in its month and
    industry)."""
    _require_own_unit(user, unit.pk)
    _check_month(year, month)
    if update is not None:
        if update.unit_id != unit.pk:
            raise PermissionDenied("只能随本单位的月度进展报送用地事项。")
        current = services.lock_editable(update.pk)
        if (int(year), int(month)) != (current.period.year, current.period.month):
            raise ValidationError(
                f"随月度进展报送的用地事项应属于{current.period.year}年{current.period.month}月。"
            )
        if industry is not None and industry.pk != current.industry_id:
            raise ValidationError(f"随月度进展报送的用地事项应属于{current.industry.name}。")
        industry, update = current.industry, current
    _check_carrier(user=user, unit_id=unit.pk, carrier=carrier, industry=industry)
    item = LandItem(
        unit=unit,
        industry=industry,
        carrier=carrier,
        update=update,
        year=year,
        month=month,
        kind=kind,
        name=(name or "").strip(),
        area=area,
        area_unit=area_unit,
        status=status,
        note=(note or "").strip(),
        created_by=user,
    )
    item.full_clean()
    item.save()
    data_changed()
    return item


@transaction.atomic
def land_item_change(*, item: LandItem, user: User, version: int, **fields) -> LandItem:
    """Change a land item, if nobody changed it since the user loaded `version`: a stale
    version is refused and nothing is overwritten."""
    unknown = set(fields) - CHANGEABLE
    if unknown:
        raise TypeError(f"land_item_change() cannot set {sorted(unknown)}")
    _require_own_unit(user, item.unit_id)
    current_update = services.lock_editable(item.update_id) if item.update_id else None
    current = LandItem.objects.select_for_update().get(pk=item.pk)
    if current.version != version:
        raise ValidationError(
            f"该用地事项已被他人修改（当前为第{current.version}版，您编辑的是第{version}版），"
            "您的修改未保存。请核对最新内容后重新提交。",
            code="conflict",
        )
    if current_update is not None and any(
        _value(fields[name]) != _value(getattr(current, name))
        for name in TIED_TO_UPDATE & set(fields)
    ):
        raise ValidationError("随月度进展报送的用地事项不能改变所属年月和产业。")
    placed = (current.carrier_id, current.industry_id)
    for name, value in fields.items():
        if name in ("name", "note"):
            value = (value or "").strip()
        setattr(current, name, value)
    _check_month(current.year, current.month)
    # Checked when the item moves (another carrier, or another industry for the same carrier):
    # an attachment already made stays editable even if the carrier's industries change later.
    if (current.carrier_id, current.industry_id) != placed:
        _check_carrier(
            user=user, unit_id=current.unit_id, carrier=current.carrier, industry=current.industry
        )
    current.version += 1
    current.full_clean()
    current.save()
    data_changed()
    return current


def _value(value):
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def land_item_remove(*, item: LandItem, user: User) -> None:
    """Remove a land item of the user's unit: one reported with an update only while that
    update may still be edited (after that, it is part of the record)."""
    _require_own_unit(user, item.unit_id)
    if item.update_id:
        services.lock_editable(item.update_id)
    LandItem.objects.filter(pk=item.pk).delete()
    data_changed()


# --- selectors -------------------------------------------------------------------------------


def _listed(items: QuerySet[LandItem]) -> QuerySet[LandItem]:
    return items.select_related("unit", "industry", "carrier", "update__period")


def land_items_for_update(update: MonthlyUpdate) -> list[LandItem]:
    """The land items reported with one monthly update (one query)."""
    return list(_listed(LandItem.objects.filter(update=update)))


def land_items_visible(user: User, year: int, unit: Unit | None = None) -> QuerySet[LandItem]:
    """The year's land items the user may read (of one unit, if given): system-wide readers
    all; others their own unit's and those of the industries they view. One query."""
    from accounts.access import industries_for, reads_everything
    from accounts.choices import Action

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
            mu=Sum(_area_mu()),
            done=Sum(_area_mu(), filter=Q(status=LandStatus.DONE)),
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
            land_mu=Sum(_area_mu("land_items__"), filter=of_industry),
        )
        .order_by("kind", "unit__position", "name")
    )


# --- demo data -------------------------------------------------------------------------------

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
            data_changed()
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
    from chains.choices import UnitRole
    from chains.models import AssignmentUnit

    rng = random.Random(2024)
    staff = {}
    for user in User.objects.filter(unit__isnull=False, is_active=True).order_by("pk"):
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
