"""The scoped fetches of a problem, a meeting and a supervised item (built on accounts.access)."""

from django.http import Http404

from accounts.access import can, can_review, fetch, reads_city_overview, require
from accounts.choices import Action, Role
from accounts.models import User
from reporting.choices import ReportStatus
from reporting.models import ActionFile, ActionItem, Instruction, Meeting, Problem, Report


def _final_report(*, user: User, pk: int) -> Report:
    """A report to instruct on: a final one, read by the city's overview readers (a draft is
    the DRC's and takes no instruction)."""
    report = fetch(Report.objects.exclude(status=ReportStatus.DRAFT), pk=pk)
    require(reads_city_overview(user))
    return report


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
            "view": bool(part)
            or can(user, Action.VIEW, action.industry)
            or _instructed(user, action),
            "respond": part == "host",
            "contribute": part == "co",
            "review": can_review(user),
        }[act]
    )
    return action


def _instructed(user: User, action: ActionItem) -> bool:
    """A leader follows the item made of their instruction, whatever its industry."""
    return (
        bool(action.instruction_id)
        and Instruction.objects.filter(pk=action.instruction_id, author_id=user.pk).exists()
    )


def access_action_file(*, user: User, pk: int) -> ActionFile:
    """A file of an item, for whoever may view the item."""
    item = fetch(ActionFile.objects.all(), pk=pk)
    access_action(user=user, pk=item.action_id)
    return item


def can_instruct(user: User) -> bool:
    """City leaders write instructions (批示); so does the DRC."""
    return (
        user.is_authenticated and user.is_active and (user.role == Role.LEADER or can_review(user))
    )


def instruction_target(*, user: User, kind: str, pk: int):
    """What an instruction is written on, fetched as its own page fetches it (so a leader
    instructs only on what they may read); 404 for an unknown kind."""
    from reporting.updates.access import access_update

    fetchers = {
        "problem": lambda: access_problem(user=user, pk=pk, write=False),
        "update": lambda: access_update(user=user, pk=pk),
        "action": lambda: access_action(user=user, pk=pk),
        "report": lambda: _final_report(user=user, pk=pk),
    }
    if kind not in fetchers:
        raise Http404("No such target.")
    target = fetchers[kind]()
    require(can_instruct(user))
    return target


def access_instruction(*, user: User, pk: int, write: bool = False) -> Instruction:
    """Read by its author, the DRC and those who may read its industry (a city-wide report's:
    the city's overview readers); made an item by the DRC."""
    instruction = fetch(
        Instruction.objects.select_related(
            "author__official",
            "industry",
            "problem__update__industry",
            "update__industry",
            "update__period",
            "action",
            "report",
        ),
        pk=pk,
    )
    if write:
        require(can_review(user))
    elif instruction.author_id != user.pk and not _concerns_unit(user, instruction):
        require(
            can(user, Action.VIEW, instruction.industry)
            if instruction.industry_id
            else reads_city_overview(user)
        )
    return instruction


def _concerns_unit(user: User, instruction: Instruction) -> bool:
    """The units told of an instruction read it: the item's host and co-units, the unit whose
    update or problem it is."""
    if not user.unit_id:
        return False
    if instruction.action_id:
        return bool(item_part(user, instruction.action))
    if instruction.update_id:
        return instruction.update.unit_id == user.unit_id
    if instruction.problem_id:
        return instruction.problem.update.unit_id == user.unit_id
    return False
