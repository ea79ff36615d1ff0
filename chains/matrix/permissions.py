"""The matrix grants the permissions: each unit's and lead official's group holds exactly the
industry object permissions the matrix gives it (file, contribute, view), re-synced in the same
transaction as every change to the matrix and checked daily for drift.

The matrix owns the industry object-permission tables outright: every row in them is one the
matrix grants to a unit's or an official's group. Anything else there, or anything missing,
is drift — a group deleted in the admin or the shell, a permission granted by hand, a user put
into another unit's group — which `permissions_sync` repairs and `manage.py check` reports."""

import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from guardian.shortcuts import get_perms_for_model

from accounts.models import User
from accounts.selectors import OFFICIAL_GROUP_PREFIX, UNIT_GROUP_PREFIX, managed_groups_q
from accounts.services import user_groups_sync
from chains.choices import UnitRole
from chains.models import (
    AssignmentOfficial,
    AssignmentUnit,
    Industry,
    IndustryGroupObjectPermission,
    IndustryUserObjectPermission,
    Official,
    Unit,
)
from portal.dataversion import data_changed, topics

# What each place in the matrix grants on an industry.
GRANTS = {
    UnitRole.LEAD: ("view_industry", "file_industry"),
    UnitRole.RESPONSIBLE: ("view_industry", "contribute_industry"),
    "official": ("view_industry",),
}

GRANTED_CODENAMES = sorted({c for grant in GRANTS.values() for c in grant})

# How many examples of each kind of drift a report names.
EXAMPLES = 5

logger = logging.getLogger("accounts.security")


def industry_permission_ids() -> dict[str, int]:
    """The ids of the industry permissions the matrix grants, by codename (read only: unlike
    guardian's helpers this never creates a content type, so a system check may call it)."""
    return dict(
        Permission.objects.filter(
            content_type__app_label="chains",
            content_type__model="industry",
            codename__in=GRANTED_CODENAMES,
        ).values_list("codename", "pk")
    )


@dataclass(frozen=True)
class MatrixGrants:
    """Every (group, permission, industry) the matrix grants, and the units and officials whose
    group is missing, with what they should hold."""

    wanted: set[tuple[int, int, int]]
    groupless: dict[str, int]


def matrix_grants(perms: dict[str, int] | None = None) -> MatrixGrants:
    """What the matrix grants, in four queries whatever its size."""
    perms = perms if perms is not None else industry_permission_ids()
    industries_by_assignment: dict[int, list[int]] = {}
    for industry_id, assignment_id in Industry.objects.values_list("pk", "assignment_id"):
        industries_by_assignment.setdefault(assignment_id, []).append(industry_id)

    wanted: set[tuple[int, int, int]] = set()
    groupless: dict[str, int] = {}
    holders = [
        (f"单位 {name}", assignment_id, group_id, GRANTS[role])
        for assignment_id, group_id, name, role in AssignmentUnit.objects.values_list(
            "assignment_id", "unit__group_id", "unit__name", "role"
        )
    ] + [
        (f"牵头市领导 {name}", assignment_id, group_id, GRANTS["official"])
        for assignment_id, group_id, name in AssignmentOfficial.objects.values_list(
            "assignment_id", "official__group_id", "official__name"
        )
    ]
    for holder, assignment_id, group_id, codenames in holders:
        for industry_id in industries_by_assignment.get(assignment_id, []):
            for codename in codenames:
                if group_id is None:
                    groupless[holder] = groupless.get(holder, 0) + 1
                else:
                    wanted.add((group_id, perms[codename], industry_id))
    return MatrixGrants(wanted=wanted, groupless=groupless)


@dataclass
class PermissionDrift:
    """How the groups and industry object permissions differ from the matrix."""

    groupless: list[str] = field(default_factory=list)  # "单位 市工信局：应有 24 项对象权限"
    missing: list[str] = field(default_factory=list)
    unwanted: list[str] = field(default_factory=list)
    memberships: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.counts.values())

    def lines(self) -> list[str]:
        """The drift in Chinese, one line per kind, naming a few examples of each."""
        lines = []
        for key, heading, examples in (
            ("groupless", "单位或牵头市领导的权限组缺失", self.groupless),
            ("missing", "责任分工授予而缺少的对象权限", self.missing),
            ("unwanted", "不是责任分工授予的对象权限", self.unwanted),
            ("memberships", "用户所在的权限组与其单位或牵头市领导不符", self.memberships),
        ):
            count = self.counts.get(key, 0)
            if count:
                more = " 等" if count > len(examples) else ""
                lines.append(f"{heading} {count} 项：{'；'.join(examples)}{more}")
        return lines


def permissions_drift() -> PermissionDrift:
    """Compare the groups, memberships and industry object permissions with the matrix, in a
    fixed number of queries; writes nothing (`manage.py check` calls it)."""
    drift = PermissionDrift()
    perms = industry_permission_ids()
    grants = matrix_grants(perms)

    drift.counts["groupless"] = len(grants.groupless)
    drift.groupless = [
        f"{holder}（应有 {count} 项对象权限）"
        for holder, count in list(grants.groupless.items())[:EXAMPLES]
    ]
    # Permissions a groupless unit should hold are counted above, not again as missing.
    rows = IndustryGroupObjectPermission.objects.values_list(
        "group_id", "permission_id", "content_object_id"
    )
    existing = set(rows)
    missing = grants.wanted - existing
    unwanted = existing - grants.wanted
    user_grants = IndustryUserObjectPermission.objects.values_list(
        "user__username", "permission__codename", "content_object__name"
    )
    drift.counts["missing"] = len(missing)
    drift.counts["unwanted"] = len(unwanted) + user_grants.count()

    names = _names(missing | unwanted)
    drift.missing = [names(key) for key in sorted(missing)[:EXAMPLES]]
    drift.unwanted = [names(key) for key in sorted(unwanted)[:EXAMPLES]]
    drift.unwanted += [
        f"用户 {user} · {industry} · {codename}"
        for user, codename, industry in user_grants[: max(0, EXAMPLES - len(drift.unwanted))]
    ]

    wrong = _wrong_memberships()
    drift.counts["memberships"] = len(wrong)
    drift.memberships = wrong[:EXAMPLES]
    return drift


def _names(keys: set[tuple[int, int, int]]):
    """Turn (group, permission, industry) ids into words, with one query per table."""
    group_ids = {g for g, _p, _i in keys}
    industry_ids = {i for _g, _p, i in keys}
    groups = dict(Group.objects.filter(pk__in=group_ids).values_list("pk", "name"))
    industries = dict(Industry.objects.filter(pk__in=industry_ids).values_list("pk", "name"))
    codenames = dict(
        Permission.objects.filter(pk__in={p for _g, p, _i in keys}).values_list("pk", "codename")
    )

    def name(key):
        group, permission, industry = key
        return " · ".join(
            str(part)
            for part in (
                groups.get(group, group),
                industries.get(industry, industry),
                codenames.get(permission, permission),
            )
        )

    return name


def _wrong_memberships() -> list[str]:
    """Users whose managed groups are not exactly their unit's and their official's."""
    wanted: dict[int, set[int]] = {}
    usernames: dict[int, str] = {}
    for pk, username, unit_group, official_group in User.objects.values_list(
        "pk", "username", "unit__group_id", "official__group_id"
    ):
        usernames[pk] = username
        wanted[pk] = {g for g in (unit_group, official_group) if g is not None}
    current: dict[int, set[int]] = {}
    for user_id, group_id in User.groups.through.objects.filter(
        managed_groups_q("group__name")
    ).values_list("user_id", "group_id"):
        current.setdefault(user_id, set()).add(group_id)
    wrong = {
        pk: (current.get(pk, set()) - wanted[pk], wanted[pk] - current.get(pk, set()))
        for pk in usernames
        if current.get(pk, set()) != wanted[pk]
    }
    ids = {g for extra, lacking in wrong.values() for g in extra | lacking}
    names = dict(Group.objects.filter(pk__in=ids).values_list("pk", "name"))
    lines = []
    for pk, (extra, lacking) in sorted(wrong.items(), key=lambda item: usernames[item[0]]):
        parts = [f"不应在 {names[g]}" for g in sorted(extra)]
        parts += [f"应在 {names[g]}" for g in sorted(lacking)]
        lines.append(f"用户 {usernames[pk]}：{'，'.join(parts)}")
    return lines


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
    data_changed(topics.MATRIX)  # the matrix changed: who is expected to report, and where
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
