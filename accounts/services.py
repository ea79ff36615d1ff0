"""Writes for accounts: keeping guardian object permissions in step with the matrix, and a
user's own password change."""

import logging
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from guardian.shortcuts import get_perms_for_model

from chains.choices import UnitRole
from chains.models import (
    AssignmentOfficial,
    AssignmentUnit,
    Industry,
    IndustryGroupObjectPermission,
    Official,
    Unit,
)

from .models import User

logger = logging.getLogger("accounts.security")

UNIT_GROUP_PREFIX = "unit:"
OFFICIAL_GROUP_PREFIX = "official:"

# What each place in the matrix grants on an industry.
GRANTS = {
    UnitRole.LEAD: ("view_industry", "file_industry"),
    UnitRole.RESPONSIBLE: ("view_industry", "contribute_industry"),
    "official": ("view_industry",),
}


@dataclass(frozen=True)
class SyncResult:
    granted: int
    revoked: int


def _ensure_groups(model, prefix: str) -> None:
    """Give every unit (or official) its own group; staff inherit the group's permissions."""
    for obj in model.objects.filter(group__isnull=True):
        obj.group, _created = Group.objects.get_or_create(name=f"{prefix}{obj.code}")
        obj.save(update_fields=["group"])


@transaction.atomic
def permissions_sync() -> SyncResult:
    """Make the industry object permissions exactly what the matrix says.

    Called by every service that changes the matrix, inside its transaction, so permissions
    never lag behind the matrix. Only the permissions the matrix manages are touched.
    """
    from reporting.dashboard import data_changed

    data_changed()  # the matrix changed: who is expected to report, and where
    _ensure_groups(Unit, UNIT_GROUP_PREFIX)
    _ensure_groups(Official, OFFICIAL_GROUP_PREFIX)
    perms = {p.codename: p.pk for p in get_perms_for_model(Industry)}
    managed_perm_ids = {perms[c] for grant in GRANTS.values() for c in grant}

    industries_by_assignment: dict[int, list[int]] = {}
    for industry_id, assignment_id in Industry.objects.values_list("pk", "assignment_id"):
        industries_by_assignment.setdefault(assignment_id, []).append(industry_id)

    wanted: set[tuple[int, int, int]] = set()  # (group, permission, industry)
    for assignment_id, group_id, role in AssignmentUnit.objects.values_list(
        "assignment_id", "unit__group_id", "role"
    ):
        for industry_id in industries_by_assignment.get(assignment_id, []):
            for codename in GRANTS[role]:
                wanted.add((group_id, perms[codename], industry_id))
    for assignment_id, group_id in AssignmentOfficial.objects.values_list(
        "assignment_id", "official__group_id"
    ):
        for industry_id in industries_by_assignment.get(assignment_id, []):
            for codename in GRANTS["official"]:
                wanted.add((group_id, perms[codename], industry_id))

    managed = IndustryGroupObjectPermission.objects.filter(
        _managed_groups("group__name"), permission_id__in=managed_perm_ids
    )
    existing = {
        (g, p, i): pk
        for pk, g, p, i in managed.values_list(
            "pk", "group_id", "permission_id", "content_object_id"
        )
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    missing = [
        IndustryGroupObjectPermission(group_id=g, permission_id=p, content_object_id=i)
        for (g, p, i) in wanted
        if (g, p, i) not in existing
    ]
    IndustryGroupObjectPermission.objects.filter(pk__in=stale).delete()
    IndustryGroupObjectPermission.objects.bulk_create(missing)

    for user in User.objects.select_related("unit", "official"):
        user_groups_sync(user)
    return SyncResult(granted=len(missing), revoked=len(stale))


def user_groups_sync(user: User) -> None:
    """Put the user in exactly the unit and official groups their account names."""
    wanted = set()
    if user.unit_id and user.unit.group_id:
        wanted.add(user.unit.group_id)
    if user.official_id and user.official.group_id:
        wanted.add(user.official.group_id)
    current = set(user.groups.filter(_managed_groups("name")).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))


def _managed_groups(lookup: str) -> Q:
    return Q(**{f"{lookup}__startswith": UNIT_GROUP_PREFIX}) | Q(
        **{f"{lookup}__startswith": OFFICIAL_GROUP_PREFIX}
    )


@transaction.atomic
def user_password_change(*, user: User, password: str) -> None:
    """Set a user's own, already validated, new password and record it in the user's admin
    history (the same entry the admin writes when it changes a password), and in the log."""
    user.set_password(password)
    user.save(update_fields=["password"])
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[user],
        action_flag=CHANGE,
        # Stored untranslated like the admin's own entries; the admin shows "已修改 密码。".
        change_message=[{"changed": {"fields": ["password"]}}],
        single_object=True,
    )
    logger.info("Password changed by the user %s (id %s).", user.get_username(), user.pk)
