"""Writes to the matrix. Every change of the matrix re-syncs object permissions in the same
transaction (accounts.services.permissions_sync)."""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from .choices import SHARED_FUTURE_ASSIGNMENT, CategoryCode, UnitRole
from .models import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    Category,
    Indicator,
    Industry,
    Official,
    Unit,
)


@dataclass
class LoadReport:
    """What a load did: counts per kind of change, and the row errors if it refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def add(self, outcome: str | None) -> None:
        if outcome == "created":
            self.created += 1
        elif outcome == "updated":
            self.updated += 1
        else:
            self.unchanged += 1


def upsert(model, lookup: dict, values: dict) -> str | None:
    """Create or update one row by its natural key; touch nothing when it is already right."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return "created"
    differing = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if not differing:
        return None
    for key, value in differing.items():
        setattr(obj, key, value)
    obj.full_clean()
    obj.save(update_fields=list(differing))
    return "updated"


def assignment_code_for(*, industry_code: str, category_code: str) -> str:
    return SHARED_FUTURE_ASSIGNMENT if category_code == CategoryCode.FUTURE else industry_code


@transaction.atomic
def industry_upsert(
    *, code: str, name: str, name_en: str, category: Category, position: int
) -> str | None:
    """Create or update an industry, attaching it to its assignment (shared for the future six)."""
    assignment, _created = Assignment.objects.get_or_create(
        code=assignment_code_for(industry_code=code, category_code=category.code)
    )
    return upsert(
        Industry,
        {"code": code},
        {
            "name": name,
            "name_en": name_en,
            "category": category,
            "position": position,
            "assignment": assignment,
        },
    )


@transaction.atomic
def industry_assign(
    *,
    industry: Industry,
    lead_officials: Sequence[str],
    lead_units: Sequence[str],
    responsible_units: Sequence[str],
) -> bool:
    """Give an industry its ordered officials, lead units and responsible units (by canonical
    name). For a future industry this edits the assignment all six share. Returns whether
    anything changed. The caller re-syncs permissions once it has applied all its rows."""
    code = assignment_code_for(industry_code=industry.code, category_code=industry.category.code)
    assignment, _created = Assignment.objects.get_or_create(code=code)
    changed = False
    if industry.assignment_id != assignment.pk:
        industry.assignment = assignment
        industry.save(update_fields=["assignment"])
        changed = True
    changed |= assignment_set_members(
        assignment=assignment,
        officials=list(Official.objects.filter(name__in=lead_officials)),
        official_order=lead_officials,
        lead_units=lead_units,
        responsible_units=responsible_units,
    )
    Assignment.objects.filter(industries__isnull=True).delete()
    return changed


def assignment_set_members(
    *,
    assignment: Assignment,
    officials: Sequence[Official],
    official_order: Sequence[str],
    lead_units: Sequence[str],
    responsible_units: Sequence[str],
) -> bool:
    by_name = {o.name: o for o in officials}
    units = {u.name: u for u in Unit.objects.filter(name__in=[*lead_units, *responsible_units])}
    wanted_officials = [(by_name[n].pk, pos) for pos, n in enumerate(official_order)]
    wanted_units = [(units[n].pk, UnitRole.LEAD, pos) for pos, n in enumerate(lead_units)] + [
        (units[n].pk, UnitRole.RESPONSIBLE, pos) for pos, n in enumerate(responsible_units)
    ]
    current_officials = list(
        assignment.official_links.order_by("position", "id").values_list("official_id", "position")
    )
    current_units = list(
        assignment.unit_links.order_by("role", "position", "id").values_list(
            "unit_id", "role", "position"
        )
    )
    if current_officials == wanted_officials and sorted(current_units, key=_unit_key) == sorted(
        wanted_units, key=_unit_key
    ):
        return False
    assignment.official_links.all().delete()
    assignment.unit_links.all().delete()
    AssignmentOfficial.objects.bulk_create(
        AssignmentOfficial(assignment=assignment, official_id=o, position=p)
        for o, p in wanted_officials
    )
    AssignmentUnit.objects.bulk_create(
        AssignmentUnit(assignment=assignment, unit_id=u, role=r, position=p)
        for u, r, p in wanted_units
    )
    return True


def _unit_key(item: tuple) -> tuple:
    unit_id, role, position = item
    return (str(role), position, unit_id)


def indicators_load(path) -> LoadReport:
    """Admin-defined indicators from a JSON list, by code; a second load changes nothing."""
    with open(path, encoding="utf-8") as handle:
        items = json.load(handle)
    report = LoadReport()
    with transaction.atomic():
        for position, item in enumerate(items):
            values = {k: item.get(k, "") for k in ("name", "name_en", "unit", "period", "aliases")}
            report.add(upsert(Indicator, {"code": item["code"]}, {**values, "position": position}))
    return report
