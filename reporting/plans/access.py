"""Who may start, edit, submit, review and record progress on a work plan, and the scoped fetch
of a plan (built on accounts.access)."""

from enum import StrEnum

from accounts.access import can, can_review, fetch, reads_everything, require
from accounts.choices import Action
from accounts.models import User
from reporting.models import WorkPlan


class PlanAction(StrEnum):
    VIEW = "view"  # the unit, DRC and system-wide readers, and those who view the plan's industry
    EDIT = "edit"  # the unit's own staff (for an industry plan: a unit that files for it)
    REVIEW = "review"  # DRC staff


def can_plan(user: User, action: PlanAction, plan) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    own = bool(user.unit_id) and user.unit_id == plan.unit_id
    if action == PlanAction.REVIEW:
        return can_review(user)
    if action == PlanAction.EDIT:
        return own and (plan.industry_id is None or can(user, Action.FILE, plan.industry))
    return (
        own
        or reads_everything(user)
        or (plan.industry_id is not None and can(user, Action.VIEW, plan.industry))
    )


def access_plan(*, user: User, pk: int, action: PlanAction = PlanAction.VIEW):
    """The work plan, if it exists (else 404) and the user may act on it (else 403)."""
    plan = fetch(
        WorkPlan.objects.select_related("unit", "industry", "plan_year", "created_by"),
        pk=pk,
    )
    require(can_plan(user, action, plan))
    return plan
