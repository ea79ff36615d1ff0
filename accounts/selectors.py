"""Reads for accounts: which groups the portal manages (one per unit and one per lead city
official), named by a prefix the admin keeps read-only; the header's unread notifications."""

from django.contrib.auth.models import Group
from django.db.models import Q

UNIT_GROUP_PREFIX = "unit:"

OFFICIAL_GROUP_PREFIX = "official:"


def managed_groups_q(lookup: str = "name") -> Q:
    """Groups the matrix manages, by name: one per unit and one per lead city official."""
    return Q(**{f"{lookup}__startswith": UNIT_GROUP_PREFIX}) | Q(
        **{f"{lookup}__startswith": OFFICIAL_GROUP_PREFIX}
    )


def is_managed_group(group: Group) -> bool:
    return group.name.startswith((UNIT_GROUP_PREFIX, OFFICIAL_GROUP_PREFIX))


def unread_notifications(request) -> int:
    """The count of the user's unread notifications the header shows, read once a request."""
    if "portal_unread" not in request.__dict__:
        request.portal_unread = request.user.notifications.filter(read_at__isnull=True).count()
    return request.portal_unread
