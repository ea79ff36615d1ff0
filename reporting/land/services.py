"""Spatial planning (空间统筹): the land and space items units report — land supplied, mixed-use
and standard-land plots, inefficient land consolidated, general-purpose factory space, enclave
cooperation, approved-but-unsupplied land to dispose of — and the carrier areas of each
industry. Writes are services (atomic, validated, refreshing the dashboard); reads are
selectors that aggregate in the database.

Areas are stored as reported, in mu (亩) or square metres; totals are in mu, converted in the
query (1 亩 = 10000/15 m², so 1 m² = 0.0015 亩, the factor AreaUnit.to_mu uses)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, F, Q, QuerySet, Value, When

from accounts.access import can, industries_for
from accounts.choices import Action
from accounts.models import User
from chains.models import CarrierArea, Industry, Unit
from portal.dataversion import data_changed, topics
from reporting.choices import AreaUnit
from reporting.models import LandItem, MonthlyUpdate
from reporting.updates import services

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


def area_in_mu(path: str = "") -> Case:
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
    data_changed(topics.LAND)
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
    data_changed(topics.LAND)
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
    data_changed(topics.LAND)
