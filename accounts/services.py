"""Writes for accounts: keeping guardian object permissions in step with the matrix, and a
user's own password change."""

import logging
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.db import transaction
from guardian.shortcuts import get_perms_for_model

from accounts.models import User
from accounts.selectors import (
    OFFICIAL_GROUP_PREFIX,
    UNIT_GROUP_PREFIX,
    managed_groups_q,
    matrix_grants,
    permissions_drift,
)
from chains.models import (
    Industry,
    IndustryGroupObjectPermission,
    IndustryUserObjectPermission,
    Official,
    Unit,
)

logger = logging.getLogger("accounts.security")


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
    never lag behind the matrix; and daily by `permissions_resync`. The matrix owns the
    industry object-permission tables: a row it does not grant (one granted by hand, to a
    group or to a user) is revoked, since filing and contributing come only from the matrix.
    """
    from reporting.dashboard import data_changed

    data_changed()  # the matrix changed: who is expected to report, and where
    _ensure_groups(Unit, UNIT_GROUP_PREFIX)
    _ensure_groups(Official, OFFICIAL_GROUP_PREFIX)
    perms = {p.codename: p.pk for p in get_perms_for_model(Industry)}
    wanted = matrix_grants(perms).wanted

    existing = {
        (g, p, i): pk
        for pk, g, p, i in IndustryGroupObjectPermission.objects.values_list(
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
    revoked_from_users, _by_model = IndustryUserObjectPermission.objects.all().delete()
    IndustryGroupObjectPermission.objects.bulk_create(missing)

    for user in User.objects.select_related("unit", "official"):
        user_groups_sync(user)
    return SyncResult(granted=len(missing), revoked=len(stale) + revoked_from_users)


def user_groups_sync(user: User) -> None:
    """Put the user in exactly the unit and official groups their account names."""
    wanted = set()
    if user.unit_id and user.unit.group_id:
        wanted.add(user.unit.group_id)
    if user.official_id and user.official.group_id:
        wanted.add(user.official.group_id)
    current = set(user.groups.filter(managed_groups_q("name")).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))


@transaction.atomic
def permissions_resync() -> list[str]:
    """The daily check: find where the groups and industry object permissions differ from the
    matrix (a group deleted or a permission granted by hand), re-sync them, and say what was
    repaired (in the security log too). Nothing to do leaves everything untouched, the
    dashboard's cache included."""
    drift = permissions_drift()
    if not drift:
        return []
    lines = drift.lines()
    result = permissions_sync()
    logger.warning(
        "Permissions drifted from the matrix and were re-synced (%s granted, %s revoked): %s",
        result.granted,
        result.revoked,
        " / ".join(lines),
    )
    return lines


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
