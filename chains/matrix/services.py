"""Writes to the matrix (责任分工): an industry's particulars and its assignment of lead officials,
lead units and responsible units. Every change re-syncs the industry object permissions in the
same transaction (chains.matrix.permissions.permissions_sync)."""

from collections.abc import Sequence

from django.db import transaction

from chains.choices import UnitRole
from chains.loads import upsert
from chains.matrix.rules import assignment_code_for, check_matrix_row
from chains.models import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    Category,
    Industry,
    Official,
    Unit,
)


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
    anything changed. The row must pass the matrix's rules (chains.matrix.rules), else
    ValidationError. The caller re-syncs permissions once it has applied all its rows."""
    check_matrix_row(
        lead_officials=lead_officials, lead_units=lead_units, responsible_units=responsible_units
    )
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


def assignment_lock(assignment: Assignment) -> None:
    """Hold the assignment's row until the caller's transaction ends: two writes to one
    assignment (two administrators saving, a form save and an import) then run one after
    the other, the second reading what the first wrote, instead of both replacing the links
    they read before either had written."""
    Assignment.objects.select_for_update().filter(pk=assignment.pk).values_list("pk").first()


@transaction.atomic
def assignment_set_members(
    *,
    assignment: Assignment,
    officials: Sequence[Official],
    official_order: Sequence[str],
    lead_units: Sequence[str],
    responsible_units: Sequence[str],
) -> bool:
    """Give the assignment these officials and units, in order (the links deleted and made
    again when anything differs), the assignment locked first. Returns whether it changed."""
    assignment_lock(assignment)
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
