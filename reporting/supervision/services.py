"""The coordination loop: a problem raised in an update is escalated to a meeting of the
industry's lead official; the meeting's decisions are action items (督办事项) with a responsible
unit and a deadline, tracked until closed with evidence. Every write leaves an event."""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.notifications import notify, unit_staff
from chains.models import Industry, Official, Unit
from portal.dataversion import data_changed
from reporting.choices import ActionEventKind, ActionStatus, ProblemStatus
from reporting.models import ActionEvent, ActionItem, Meeting, Problem


def _changes_dashboard(function):
    """The dashboard shows problems and action items: refresh it when these commit."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):

        data_changed()
        return function(*args, **kwargs)

    return wrapper


@transaction.atomic
@_changes_dashboard
def problem_escalate(*, problem: Problem, user: User) -> Problem:
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.status != ProblemStatus.OPEN:
        raise ValidationError("该问题已提请协调或已解决。")
    problem.status, problem.escalated_at = ProblemStatus.ESCALATED, timezone.now()
    problem.save(update_fields=["status", "escalated_at"])
    return problem


@transaction.atomic
@_changes_dashboard
def meeting_create(
    *,
    industry: Industry,
    chair: Official,
    date: datetime.date,
    units: list[Unit],
    problems: list[Problem],
    minutes: str,
    user: User,
) -> Meeting:
    if not industry.assignment.official_links.filter(official=chair).exists():
        raise ValidationError(f"{chair.name}不是{industry.name}的牵头市领导。")
    wrong = [
        p
        for p in problems
        if p.update.industry_id != industry.pk or p.status != ProblemStatus.ESCALATED
    ]
    if wrong:
        raise ValidationError("议题中有不属于该产业或未提请协调的问题。")
    meeting = Meeting.objects.create(
        industry=industry, chair=chair, date=date, minutes=minutes.strip(), created_by=user
    )
    meeting.attending_units.set(units)
    Problem.objects.filter(pk__in=[p.pk for p in problems]).update(
        status=ProblemStatus.IN_MEETING, meeting=meeting
    )
    return meeting


@transaction.atomic
@_changes_dashboard
def action_create(
    *,
    meeting: Meeting,
    decision: str,
    unit: Unit,
    deadline: datetime.date,
    user: User,
    problem: Problem | None = None,
) -> ActionItem:
    if not decision.strip():
        raise ValidationError("请写明会议决定的事项。")
    if deadline < meeting.date:
        raise ValidationError("办结期限不能早于会议日期。")
    if problem is not None and problem.meeting_id != meeting.pk:
        raise ValidationError("该问题不在本次会议的议题中。")
    action = ActionItem.objects.create(
        meeting=meeting, problem=problem, decision=decision.strip(), unit=unit, deadline=deadline
    )
    ActionEvent.objects.create(
        action=action, kind=ActionEventKind.CREATED, actor=user, text=decision.strip()
    )
    link = reverse("reporting:action", args=[action.pk])
    transaction.on_commit(
        lambda: notify(
            unit_staff(unit.pk),
            subject=f"【督办事项】{meeting.industry.name}",
            text=f"{meeting}决定由贵单位办理：{decision.strip()[:80]}，期限 {deadline:%Y-%m-%d}。",
            link=link,
        )
    )
    return action


def _locked(action: ActionItem) -> ActionItem:
    action = ActionItem.objects.select_for_update().select_related("meeting").get(pk=action.pk)
    if action.status == ActionStatus.CLOSED:
        raise ValidationError("该督办事项已销号。")
    return action


@transaction.atomic
def action_progress(*, action: ActionItem, user: User, text: str) -> ActionEvent:
    if not text.strip():
        raise ValidationError("请填写进展情况。")
    action = _locked(action)
    return ActionEvent.objects.create(
        action=action, kind=ActionEventKind.PROGRESS, actor=user, text=text.strip()
    )


@transaction.atomic
@_changes_dashboard
def action_request_extension(
    *, action: ActionItem, user: User, until: datetime.date, reason: str
) -> ActionItem:
    action = _locked(action)
    if until <= action.deadline:
        raise ValidationError("申请的新期限应晚于当前期限。")
    if not reason.strip():
        raise ValidationError("申请延期须说明理由。")
    action.status, action.requested_deadline = ActionStatus.EXTENSION_REQUESTED, until
    action.save(update_fields=["status", "requested_deadline"])
    ActionEvent.objects.create(
        action=action,
        kind=ActionEventKind.EXTENSION_REQUESTED,
        actor=user,
        text=f"{until:%Y-%m-%d}：{reason.strip()}",
    )
    return action


@transaction.atomic
@_changes_dashboard
def action_grant_extension(*, action: ActionItem, user: User) -> ActionItem:
    action = _locked(action)
    if action.status != ActionStatus.EXTENSION_REQUESTED:
        raise ValidationError("没有待批准的延期申请。")
    action.deadline, action.status = action.requested_deadline, ActionStatus.EXTENSION_GRANTED
    action.save(update_fields=["deadline", "status"])
    ActionEvent.objects.create(
        action=action,
        kind=ActionEventKind.EXTENSION_GRANTED,
        actor=user,
        text=f"{action.deadline:%Y-%m-%d}",
    )
    return action


@transaction.atomic
@_changes_dashboard
def action_close(*, action: ActionItem, user: User, evidence: str) -> ActionItem:
    """Close (销号) with evidence; a problem whose decisions are all closed is resolved."""
    if not evidence.strip():
        raise ValidationError("销号须提供办结佐证（如文件、批复、现场情况说明）。")
    action = _locked(action)
    action.status, action.evidence, action.closed_at = (
        ActionStatus.CLOSED,
        evidence.strip(),
        timezone.now(),
    )
    action.save(update_fields=["status", "evidence", "closed_at"])
    ActionEvent.objects.create(
        action=action, kind=ActionEventKind.CLOSED, actor=user, text=evidence.strip()
    )
    if (
        action.problem_id
        and not ActionItem.objects.filter(problem_id=action.problem_id)
        .exclude(status=ActionStatus.CLOSED)
        .exists()
    ):
        Problem.objects.filter(pk=action.problem_id).update(status=ProblemStatus.RESOLVED)
    return action
