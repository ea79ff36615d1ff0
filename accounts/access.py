"""The one place that answers "which industries may this user view, file for or contribute to":
the permission primitives every feature's access module builds on.

Every view reaches unit-scoped data through a feature's access module (access_<noun>: fetch
and check in one call, `fetch` and `require` below); none queries such models directly. Object
permissions come from django-guardian, kept in step with the matrix by
chains.matrix.permissions.permissions_sync; DRC, statistics staff and administrators see
everything.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from accounts.choices import Action, Role
from accounts.models import User
from chains.models import (
    Industry,
    IndustryGroupObjectPermission,
    IndustryUserObjectPermission,
)

PERMISSIONS = {
    Action.VIEW: "chains.view_industry",
    Action.FILE: "chains.file_industry",
    Action.CONTRIBUTE: "chains.contribute_industry",
}

# Roles that read every industry without being named in the matrix.
SYSTEM_WIDE_READERS = (Role.DRC, Role.STATISTICS, Role.MAIN_LEADER, Role.ADMIN)


def reads_everything(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role in SYSTEM_WIDE_READERS)


def reads_city_overview(user: User) -> bool:
    """The dashboard and the final reports are for the city's leaders and system-wide readers
    (the DRC among them)."""
    return reads_everything(user) or (user.is_authenticated and user.role == Role.LEADER)


def lands_on_cockpit(user: User) -> bool:
    """City leaders, the principal leaders and the DRC land on the cockpit (驾驶舱); other
    readers of the city overview may still open it."""
    return (
        user.is_authenticated
        and user.role in (Role.LEADER, Role.MAIN_LEADER, Role.DRC)
        and reads_city_overview(user)
    )


def leads_industries(user: User) -> bool:
    """The staff of a lead unit (牵头单位): the unit files some industry's monthly updates.
    Read once per user object (a request's user: the menu asks several times)."""
    if not (user.is_authenticated and user.is_active and user.unit_id):
        return False
    known = getattr(user, "_portal_leads_industries", None)
    if known is None:
        known = _files_for_any(user)
        user._portal_leads_industries = known
    return known


def _files_for_any(user: User) -> bool:
    """`industries_for(user, Action.FILE).exists()`, read from guardian's direct tables in one
    plain query: the menu asks it on every page of a unit's staff, and guardian's query took
    longer to build (about 5 ms) than to run. As guardian's: grants to the user and to the
    user's groups, of Industry's permission, no global permission, no superuser shortcut.
    tests/accounts/test_access.py holds the two answers equal for every kind of account."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    quote = connection.ops.quote_name
    by_group = quote(IndustryGroupObjectPermission._meta.db_table)
    by_user = quote(IndustryUserObjectPermission._meta.db_table)
    memberships = quote(User.groups.through._meta.db_table)
    permissions = quote(Permission._meta.db_table)
    codename = PERMISSIONS[Action.FILE].split(".")[1]
    industry = ContentType.objects.get_for_model(Industry).pk  # kept by Django: no query
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {by_group} g"
            f" JOIN {memberships} m ON m.group_id = g.group_id"
            f" JOIN {permissions} p ON p.id = g.permission_id"
            " WHERE m.user_id = %s AND p.codename = %s AND p.content_type_id = %s)"
            f" OR EXISTS (SELECT 1 FROM {by_user} u"
            f" JOIN {permissions} p ON p.id = u.permission_id"
            " WHERE u.user_id = %s AND p.codename = %s AND p.content_type_id = %s)",
            [user.pk, codename, industry, user.pk, codename, industry],
        )
        return bool(cursor.fetchone()[0])


def reads_final_reports(user: User) -> bool:
    """Final reports cover every industry: the city overview's readers and the lead units read
    them (drafts stay the DRC's)."""
    return reads_city_overview(user) or leads_industries(user)


def fetch(queryset: QuerySet, **lookup):
    """The object matching `lookup`, else 404."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(f"No such {queryset.model._meta.model_name}.")
    return found


def require(allowed: bool) -> None:
    """403 unless the user may."""
    if not allowed:
        raise PermissionDenied


def industries_for(user: User, action: Action = Action.VIEW) -> QuerySet[Industry]:
    """The industries the user may act on. Filing and contributing come only from the matrix:
    not even an administrator files another unit's update."""
    if not user.is_authenticated or not user.is_active:
        return Industry.objects.none()
    if action == Action.VIEW and reads_everything(user):
        return Industry.objects.all()
    return get_objects_for_user(
        user,
        PERMISSIONS[action],
        klass=Industry,
        accept_global_perms=False,
        with_superuser=False,
    )


def can(user: User, action: Action, industry: Industry) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if action == Action.VIEW and reads_everything(user):
        return True
    return industries_for(user, action).filter(pk=industry.pk).exists()


def access_industry(*, user: User, code: str, action: Action = Action.VIEW) -> Industry:
    """The industry, if it exists (else 404) and the user may act on it (else 403)."""
    industry = fetch(Industry.objects.select_related("category", "assignment"), code=code)
    require(can(user, action, industry))
    return industry


def industry_roles(user: User) -> dict[int, Action]:
    """For each industry the user may view, the strongest thing they may do: file, contribute
    or view. Reads the object-permission rows of guardian's direct tables in two queries,
    whatever the number of industries."""
    if not user.is_authenticated or not user.is_active:
        return {}
    codenames = {PERMISSIONS[a].split(".")[1]: a for a in Action}
    granted = (
        IndustryGroupObjectPermission.objects.filter(group__user=user)
        .values_list("content_object_id", "permission__codename")
        .union(
            IndustryUserObjectPermission.objects.filter(user=user).values_list(
                "content_object_id", "permission__codename"
            )
        )
    )
    strength = [Action.VIEW, Action.CONTRIBUTE, Action.FILE]
    roles: dict[int, Action] = {}
    if reads_everything(user):
        roles = dict.fromkeys(Industry.objects.values_list("pk", flat=True), Action.VIEW)
    for industry_id, codename in granted:
        if action := codenames.get(codename):
            roles[industry_id] = max(roles.get(industry_id, action), action, key=strength.index)
    return roles


def can_review(user: User) -> bool:
    """The DRC reviews: monthly updates, work plans, policies' evaluations, problems."""
    return user.is_authenticated and user.is_active and user.role == Role.DRC
