"""The scoped fetches of a problem, a meeting and an action item (built on accounts.access)."""

from accounts.access import can, can_review, fetch, require
from accounts.choices import Action
from accounts.models import User
from reporting.models import ActionItem, Meeting, Problem


def access_problem(*, user: User, pk: int):
    """A problem to escalate (提请协调): the DRC's alone. (Units read problems in lists scoped by
    industries_for, not through this fetch.)"""
    problem = fetch(
        Problem.objects.select_related(
            "update__industry", "update__unit", "update__period", "meeting"
        ),
        pk=pk,
    )
    require(can_review(user))
    return problem


def access_meeting(*, user: User, pk: int, write: bool = False):
    """A meeting is seen by those who take part in its industry; only the DRC records it."""
    meeting = fetch(Meeting.objects.select_related("industry", "chair"), pk=pk)
    require(can_review(user) if write else can(user, Action.VIEW, meeting.industry))
    return meeting


def access_action(*, user: User, pk: int, act: str = "view"):
    """view: the industry's participants and the responsible unit; respond (progress,
    extension, close): the responsible unit's staff; grant: the DRC."""
    action = fetch(
        ActionItem.objects.select_related("meeting__industry", "meeting__chair", "unit", "problem"),
        pk=pk,
    )
    own = bool(user.unit_id) and user.unit_id == action.unit_id
    require(
        {
            "view": own or can(user, Action.VIEW, action.meeting.industry),
            "respond": own,
            "grant": can_review(user),
        }[act]
    )
    return action
