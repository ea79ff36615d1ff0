"""The scoped fetches of a problem, a meeting and a supervised item (built on accounts.access)."""

from accounts.access import can, can_review, fetch, require
from accounts.choices import Action
from accounts.models import User
from reporting.models import ActionFile, ActionItem, Meeting, Problem


def access_problem(*, user: User, pk: int, write: bool = True):
    """A problem: read by those who take part in its industry; escalated, assigned, linked or
    resolved by the DRC alone."""
    problem = fetch(
        Problem.objects.select_related(
            "update__industry", "update__unit", "update__period", "meeting", "resolved_by"
        ),
        pk=pk,
    )
    require(can_review(user) if write else can(user, Action.VIEW, problem.update.industry))
    return problem


def access_meeting(*, user: User, pk: int, write: bool = False):
    """A meeting is seen by those who take part in its industry; only the DRC records it."""
    meeting = fetch(Meeting.objects.select_related("industry", "chair"), pk=pk)
    require(can_review(user) if write else can(user, Action.VIEW, meeting.industry))
    return meeting


def item_part(user: User, action: ActionItem) -> str:
    """The user's unit's part in an item: "host" (主办), "co" (协办) or ""."""
    if not user.unit_id:
        return ""
    if user.unit_id == action.unit_id:
        return "host"
    return "co" if action.co_units.filter(pk=user.unit_id).exists() else ""


def access_action(*, user: User, pk: int, act: str = "view"):
    """view: the host unit, the co-units and those who take part in the item's industry;
    respond (签收, progress, 反馈, extension): the host unit's staff; contribute: a co-unit's
    staff; review (复核, extension decisions, cancel, merge): the DRC."""
    action = fetch(
        ActionItem.objects.select_related(
            "industry", "meeting__chair", "unit", "problem__update__period", "merged_into"
        ),
        pk=pk,
    )
    part = action.viewer_part = item_part(user, action)  # the page shows each part its step
    require(
        {
            "view": bool(part) or can(user, Action.VIEW, action.industry),
            "respond": part == "host",
            "contribute": part == "co",
            "review": can_review(user),
        }[act]
    )
    return action


def access_action_file(*, user: User, pk: int) -> ActionFile:
    """A file of an item, for whoever may view the item."""
    item = fetch(ActionFile.objects.all(), pk=pk)
    access_action(user=user, pk=item.action_id)
    return item
