"""Who keeps an industry's policy register, and the scoped fetch of a policy (built on
accounts.access)."""

from accounts.access import can, fetch, require
from accounts.choices import Action
from accounts.models import User
from chains.models import (
    Industry,
    Policy,
)


def can_edit_policies(user: User, industry: Industry) -> bool:
    """An industry's policy register is kept by the units that file for it."""
    return bool(user.unit_id) and can(user, Action.FILE, industry)


def access_policy_record(*, user: User, pk: int, write: bool = False):
    """An industry policy (not to be confused with accounts.policies, the views' access rules)."""
    policy = fetch(Policy.objects.select_related("industry", "issuer", "created_by"), pk=pk)
    require(
        can_edit_policies(user, policy.industry)
        if write
        else can(user, Action.VIEW, policy.industry)
    )
    return policy
