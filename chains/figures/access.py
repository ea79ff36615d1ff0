"""Who reads and who imports the statistics bureau's figures, and the scoped fetches of an
enterprise and of an import (built on accounts.access)."""

from accounts.access import can, fetch, reads_everything, require
from accounts.choices import Action, Role
from accounts.models import User
from chains.models import Enterprise, FigureImport


def can_import_statistics(user: User) -> bool:
    """Statistics staff (and administrators) bring in the bureau's files."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.STATISTICS, Role.ADMIN))
    )


def can_read_statistics(user: User) -> bool:
    """The imports and their files: statistics staff and system-wide readers."""
    return can_import_statistics(user) or reads_everything(user)


def access_enterprise(*, user: User, pk: int):

    enterprise = fetch(
        Enterprise.objects.select_related("industry", "district", "subsegment"),
        pk=pk,
    )
    require(can(user, Action.VIEW, enterprise.industry))
    return enterprise


def access_figure_import(*, user: User, pk: int, write: bool = False):

    record = fetch(FigureImport.objects.select_related("uploaded_by"), pk=pk)
    require(can_import_statistics(user) if write else can_read_statistics(user))
    return record
