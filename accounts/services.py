"""Writes for accounts: a user's groups kept to the unit and official the account names, and a
user's own password change."""

import logging

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from accounts.models import User
from accounts.selectors import managed_groups_q

logger = logging.getLogger("accounts.security")


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
