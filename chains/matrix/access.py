"""The matrix's scoped reads: a unit's page, and who may read the matrix's change record (built on
accounts.access)."""

from accounts.access import fetch, reads_everything, require
from accounts.choices import Role
from accounts.models import User
from chains.models import (
    Industry,
    Unit,
)


def access_unit(*, user: User, code: str) -> Unit:
    """A unit page is for the unit's own staff and for those who read the whole system."""
    unit = fetch(Unit.objects, code=code)
    require(reads_everything(user) or (user.unit_id and user.unit_id == unit.pk))
    return unit


def can_read_matrix_history(user: User) -> bool:
    """The whole record of changes to the matrix (责任分工变更记录) is for the DRC, which
    coordinates the division of work, and for the administrators who keep it. (Each industry
    page shows its own changes to those who view the industry.)"""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.DRC, Role.ADMIN))
    )


def access_matrix_history(*, user: User, industry_code: str | None = None) -> Industry | None:
    """403 unless the user may read the record of changes; the industry it is narrowed to,
    if one is named (else 404)."""
    require(can_read_matrix_history(user))
    if industry_code:
        return fetch(Industry.objects, code=industry_code)
    return None
