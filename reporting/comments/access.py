"""Who takes part in a thread: the DRC, and the staff of units that take part in the object's
industry (its lead and responsible units), or whose object it is (a district's own plan, an
item's host and co-units). Leaders write instructions (批示) instead; system-wide readers read."""

from django.http import Http404

from accounts.access import can, can_review, require
from accounts.choices import Action, Role
from accounts.models import User
from reporting.models import ActionItem


def can_comment(user: User, target) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if can_review(user):
        return True
    if user.role != Role.UNIT_STAFF or not user.unit_id:
        return False
    if isinstance(target, ActionItem) and getattr(target, "viewer_part", ""):
        return True
    if user.unit_id == getattr(target, "unit_id", None):
        return True
    industry = target.industry
    return industry is not None and can(user, Action.VIEW, industry)


def comment_target(*, user: User, kind: str, pk: int):
    """The object a comment is written on, fetched as its own page fetches it."""
    from reporting.plans.access import access_plan
    from reporting.supervision.access import access_action
    from reporting.updates.access import access_update

    fetchers = {
        "update": lambda: access_update(user=user, pk=pk),
        "action": lambda: access_action(user=user, pk=pk),
        "plan": lambda: access_plan(user=user, pk=pk),
    }
    if kind not in fetchers:
        raise Http404("No such target.")
    target = fetchers[kind]()
    require(can_comment(user, target))
    return target
