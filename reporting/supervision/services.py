"""The supervision loop (督查督办). A problem raised in an update is assigned by the DRC as an
item, or escalated to a meeting of the industry's lead official whose decisions become items.
An item has a host unit (主办), any co-units (协办) and a deadline, and lives 交办 → 签收 → 办理
→ 反馈 → 复核 → 办结 (or is cancelled, or merged into another). Every step is one history entry,
told to those it concerns after it commits; nothing is deleted."""

import datetime
import functools
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.access import can_review
from accounts.choices import NoticeKind, Role
from accounts.models import User
from accounts.notifications import drc_staff, unit_staff
from chains.models import Industry, Official, Unit
from portal.dataversion import data_changed, topics
from reporting.choices import ActionEventKind, ActionSource, ActionStatus, ProblemStatus
from reporting.models import ActionEvent, ActionFile, ActionItem, Meeting, Problem
from reporting.notices.services import notify
from reporting.updates.attachments import inspect_upload


def _changes_dashboard(function=None, *, my_work: bool = False):
    """The dashboard shows each industry's problems, meetings and action items: the industries
    a step concerns (its industry, meeting, item or problem) are bumped when it commits. An
    item's steps (`my_work`) also bump topics.WORK: My work lists the unit's items."""
    if function is None:
        return functools.partial(_changes_dashboard, my_work=my_work)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        industries = {kwargs["industry"].pk} if kwargs.get("industry") else set()
        industries |= {
            kwargs[name].industry_id
            for name in ("meeting", "action", "into")
            if kwargs.get(name) is not None
        }
        if kwargs.get("problem") is not None:
            industries.add(
                Problem.objects.values_list("update__industry_id", flat=True).get(
                    pk=kwargs["problem"].pk
                )
            )
        data_changed(
            *([topics.WORK] if my_work else []),
            *(t(i) for i in industries for t in (topics.problems, topics.actions)),
        )
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
    place: str = "",
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
        industry=industry,
        chair=chair,
        date=date,
        place=place.strip(),
        minutes=minutes.strip(),
        minutes_recorded_at=timezone.now() if minutes.strip() else None,
        created_by=user,
    )
    meeting.attending_units.set(units)
    Problem.objects.filter(pk__in=[p.pk for p in problems]).update(
        status=ProblemStatus.IN_MEETING, meeting=meeting
    )
    # The notice: to the chair's office and to the units invited.
    agenda = "；".join(p.description[:40] for p in problems) or "另行通知"
    text = (
        f"{date:%Y年%m月%d日}{('在' + place.strip()) if place.strip() else ''}召开{industry.name}"
        f"协调会（{chair.name}主持），议题：{agenda}。"
    )
    people = list(User.objects.filter(role=Role.LEADER, official=chair, is_active=True))
    people += [u for unit in units for u in unit_staff(unit.pk)]
    link = reverse("reporting:meeting", args=[meeting.pk])
    transaction.on_commit(
        lambda: notify(
            people, subject="【协调会通知】", text=text, link=link, kind=NoticeKind.SUPERVISION
        )
    )
    return meeting


@transaction.atomic
@_changes_dashboard
def meeting_minutes_record(
    *, meeting: Meeting, minutes: str, decisions: list[dict], user: User
) -> list[ActionItem]:
    """纪要: the minutes, and each decision an item in the same step (all or none)."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("industry")
        .get(pk=meeting.pk)
    )
    if meeting.minutes_recorded_at:
        raise ValidationError("会议纪要已记录，不能覆盖；后续议定事项请逐项登记。")
    if meeting.date > timezone.localdate():
        raise ValidationError(f"会议定于{meeting.date:%Y年%m月%d日}召开，召开后再记录纪要。")
    if not minutes.strip():
        raise ValidationError("请填写会议纪要。")
    meeting.minutes, meeting.minutes_recorded_at = minutes.strip(), timezone.now()
    meeting.save(update_fields=["minutes", "minutes_recorded_at"])
    return [
        action_create(
            meeting=meeting,
            decision=d["decision"],
            unit=d["unit"],
            co_units=d.get("co_units") or [],
            deadline=d["deadline"],
            user=user,
            problem=d.get("problem"),
        )
        for d in decisions
    ]


def _people(action: ActionItem, *, host=True, co=True) -> list[User]:
    units = ([action.unit_id] if host else []) + (
        list(action.co_units.values_list("pk", flat=True)) if co else []
    )
    return [user for unit in units for user in unit_staff(unit)]


def _drc(action: ActionItem) -> list[User]:
    """Who at the DRC hears of an item: whoever assigned it, else the DRC's staff."""
    first = action.events.filter(kind=ActionEventKind.CREATED).select_related("actor").first()
    if first is not None and first.actor.is_active and can_review(first.actor):
        return [first.actor]
    return drc_staff()


def _tell(users, action: ActionItem, text: str) -> None:
    """Notify after the commit (a rolled-back step tells nobody); notify tells each once."""
    link = reverse("reporting:action", args=[action.pk])
    subject = f"【督办事项】{action.industry.name}"
    transaction.on_commit(
        lambda: notify(users, subject=subject, text=text, link=link, kind=NoticeKind.SUPERVISION)
    )


def _files(action: ActionItem, event: ActionEvent, user: User, uploads) -> list[ActionFile]:
    """Store files given with a history entry, each checked for size and real type."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise ValidationError(f"一次最多上传 {MAX_FILES} 个文件。")
    stored = []
    for upload in uploads:
        info = inspect_upload(upload)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        item = ActionFile(
            action=action,
            event=event,
            name=info.name,
            extension=info.extension,
            size=upload.size,
            content_type=info.content_type,
            sha256=digest.hexdigest(),
            uploaded_by=user,
        )
        item.file.save(info.name, upload, save=False)
        item.save()
        stored.append(item)
    return stored


MAX_FILES = 10


def _event(action, kind, user, text="", uploads=()) -> ActionEvent:
    event = ActionEvent.objects.create(action=action, kind=kind, actor=user, text=text)
    _files(action, event, user, uploads)
    return event


def _units_text(action: ActionItem) -> str:
    co = "、".join(action.co_units.order_by("position").values_list("name", flat=True))
    return f"{action.unit.name}主办" + (f"，{co}协办" if co else "")


@transaction.atomic
@_changes_dashboard(my_work=True)
def action_assign(
    *,
    industry: Industry,
    decision: str,
    unit: Unit,
    deadline: datetime.date,
    user: User,
    co_units=(),
    source: str = ActionSource.PROBLEM,
    meeting: Meeting | None = None,
    problem: Problem | None = None,
    instruction=None,
) -> ActionItem:
    """交办: the DRC (or a meeting) gives an item to a host unit and any co-units."""
    decision = decision.strip()
    if not decision:
        raise ValidationError("请写明交办的事项。")
    if deadline < timezone.localdate():
        raise ValidationError("办结期限不能早于今天。")
    co_units = [u for u in co_units if u.pk != unit.pk]
    if problem is not None:
        problem = (
            Problem.objects.select_for_update(of=("self",))
            .select_related("update")
            .get(pk=problem.pk)
        )
        if problem.update.industry_id != industry.pk:
            raise ValidationError("该问题不属于所选产业。")
        if problem.status == ProblemStatus.RESOLVED:
            raise ValidationError("该问题已解决，无需交办。")
        if meeting is None and problem.status != ProblemStatus.OPEN:
            raise ValidationError("该问题已提请协调或已交办：请在协调会或已有事项中处理。")
    action = ActionItem.objects.create(
        industry=industry,
        source=source,
        meeting=meeting,
        problem=problem,
        decision=decision,
        unit=unit,
        deadline=deadline,
        instruction=instruction,
    )
    action.co_units.set(co_units)
    _event(action, ActionEventKind.CREATED, user, f"{_units_text(action)}：{decision}")
    if problem is not None and meeting is None:
        Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.ASSIGNED)
    where = f"{meeting}决定" if meeting else "根据领导批示交办" if instruction else "市发改委交办"
    _tell(
        _people(action),
        action,
        f"{where}（{_units_text(action)}）：{decision[:80]}，期限 {deadline:%Y-%m-%d}。"
        "请主办单位签收。",
    )
    return action


def action_create(
    *,
    meeting: Meeting,
    decision: str,
    unit: Unit,
    deadline: datetime.date,
    user: User,
    problem: Problem | None = None,
    co_units=(),
) -> ActionItem:
    """A coordination meeting's decision, assigned as an item."""
    if deadline < meeting.date:
        raise ValidationError("办结期限不能早于会议日期。")
    if problem is not None and problem.meeting_id != meeting.pk:
        raise ValidationError("该问题不在本次会议的议题中。")
    return action_assign(
        industry=meeting.industry,
        decision=decision,
        unit=unit,
        co_units=co_units,
        deadline=deadline,
        user=user,
        source=ActionSource.MEETING,
        meeting=meeting,
        problem=problem,
    )


def _locked(action: ActionItem, *states) -> ActionItem:
    """The item, locked for this step, in one of `states` (else a clear refusal: someone may
    have moved it on in the meantime)."""
    action = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("industry", "unit", "instruction__author")
        .get(pk=action.pk)
    )
    if action.status not in (states or ActionStatus.open_values()):
        raise ValidationError(
            f"该督办事项当前为“{action.get_status_display()}”，不能进行此操作（页面可能已过期，请刷新）。"
        )
    return action


def _end(action: ActionItem, status: str, **fields) -> None:
    action.status, action.closed_at = status, timezone.now()
    for name, value in fields.items():
        setattr(action, name, value)
    action.requested_deadline = None
    action.save()


def _concerning(problem_id: int):
    """The items that answer a problem: assigned from it, or linked to it."""
    return ActionItem.objects.filter(Q(problem_id=problem_id) | Q(linked_problems=problem_id))


def _resolve_problems_if_done(action: ActionItem) -> None:
    """Each problem the item answers is resolved once every item answering it has ended, at
    least one of them closed (办结). Ended with none closed (cancelled, merged away), it is the
    DRC's to handle again: back on its meeting's agenda, or open."""
    problems = set(action.linked_problems.values_list("pk", flat=True))
    if action.problem_id:
        problems.add(action.problem_id)
    for problem_id in problems:
        items = _concerning(problem_id)
        if items.filter(status__in=ActionStatus.open_values()).exists():
            continue
        waiting = Problem.objects.filter(pk=problem_id).exclude(status=ProblemStatus.RESOLVED)
        if items.filter(status=ActionStatus.CLOSED).exists():
            waiting.update(status=ProblemStatus.RESOLVED, resolved_at=timezone.now())
        else:
            waiting.filter(meeting__isnull=False).update(status=ProblemStatus.IN_MEETING)
            waiting.filter(meeting__isnull=True).update(status=ProblemStatus.OPEN, action=None)


@transaction.atomic
@_changes_dashboard(my_work=True)
def action_acknowledge(*, action: ActionItem, user: User) -> ActionItem:
    """签收: the host unit takes the item on."""
    action = _locked(action, ActionStatus.ASSIGNED)
    action.status, action.acknowledged_at = ActionStatus.IN_PROGRESS, timezone.now()
    action.save(update_fields=["status", "acknowledged_at"])
    _event(action, ActionEventKind.ACKNOWLEDGED, user)
    _tell(_drc(action), action, f"{action.unit.name}已签收：{action.decision[:80]}。")
    return action


@transaction.atomic
def action_progress(*, action: ActionItem, user: User, text: str, files=()) -> ActionEvent:
    """办理: the host unit records progress, with any files."""
    if not text.strip():
        raise ValidationError("请填写进展情况。")
    action = _locked(action, ActionStatus.IN_PROGRESS)
    return _event(action, ActionEventKind.PROGRESS, user, text.strip(), files)


@transaction.atomic
def action_contribute(*, action: ActionItem, user: User, text: str, files=()) -> ActionEvent:
    """A co-unit's input (协办意见), for the host unit."""
    if not text.strip():
        raise ValidationError("请填写协办情况。")
    action = _locked(action, ActionStatus.ASSIGNED, ActionStatus.IN_PROGRESS)
    event = _event(action, ActionEventKind.CO_INPUT, user, text.strip(), files)
    who = user.unit.name if user.unit_id else user.display_name
    _tell(_people(action, co=False), action, f"{who}（协办）提交了协办情况：{text.strip()[:80]}")
    return event


@transaction.atomic
@_changes_dashboard(my_work=True)
def action_report(*, action: ActionItem, user: User, evidence: str, files=()) -> ActionItem:
    """反馈: the host unit reports the item done, with evidence (text, and files), for the DRC
    to review."""
    if not evidence.strip():
        raise ValidationError("反馈办结须说明办理结果并提供佐证（文件、批复、现场情况说明等）。")
    action = _locked(action, ActionStatus.IN_PROGRESS)
    action.status, action.evidence, action.reported_at = (
        ActionStatus.REPORTED,
        evidence.strip(),
        timezone.now(),
    )
    action.save(update_fields=["status", "evidence", "reported_at"])
    _event(action, ActionEventKind.REPORTED, user, evidence.strip(), files)
    _tell(_drc(action), action, f"{action.unit.name}反馈已办结，请复核：{action.decision[:80]}。")
    return action


@transaction.atomic
@_changes_dashboard(my_work=True)
def action_review(*, action: ActionItem, user: User, accept: bool, reason: str = "") -> ActionItem:
    """复核: the DRC accepts the report (办结) or sends it back with a reason."""
    action = _locked(action, ActionStatus.REPORTED)
    if accept:
        _end(action, ActionStatus.CLOSED)
        _event(action, ActionEventKind.CLOSED, user, reason.strip())
        _resolve_problems_if_done(action)
        leader = [action.instruction.author] if action.instruction_id else []
        _tell(
            _people(action) + leader,
            action,
            f"经市发改委复核，督办事项已办结：{action.decision[:80]}。",
        )
    else:
        if not reason.strip():
            raise ValidationError("退回须说明理由，以便主办单位继续办理。")
        action.status = ActionStatus.IN_PROGRESS
        action.save(update_fields=["status"])
        _event(action, ActionEventKind.RETURNED, user, reason.strip())
        _tell(
            _people(action, co=False),
            action,
            f"市发改委复核后退回，请继续办理：{reason.strip()[:80]}",
        )
    return action


@transaction.atomic
@_changes_dashboard(my_work=True)
def action_request_extension(
    *, action: ActionItem, user: User, until: datetime.date, reason: str
) -> ActionItem:
    """The host unit asks for a later deadline; the DRC is told."""
    action = _locked(action, ActionStatus.ASSIGNED, ActionStatus.IN_PROGRESS)
    if action.requested_deadline:
        raise ValidationError("已有待批复的延期申请。")
    if until <= action.deadline:
        raise ValidationError("申请的新期限应晚于当前期限。")
    if not reason.strip():
        raise ValidationError("申请延期须说明理由。")
    action.requested_deadline = until
    action.save(update_fields=["requested_deadline"])
    _event(action, ActionEventKind.EXTENSION_REQUESTED, user, f"{until:%Y-%m-%d}：{reason.strip()}")
    _tell(
        _drc(action),
        action,
        f"{action.unit.name}申请将期限延至 {until:%Y-%m-%d}：{reason.strip()[:60]}。请批复。",
    )
    return action


@transaction.atomic
@_changes_dashboard(my_work=True)
def action_decide_extension(
    *, action: ActionItem, user: User, grant: bool, reason: str = ""
) -> ActionItem:
    """The DRC grants or refuses the extension asked for; the host unit is told."""
    action = _locked(action)
    until = action.requested_deadline
    if until is None:
        raise ValidationError("没有待批复的延期申请。")
    if not grant and not reason.strip():
        raise ValidationError("不同意延期须说明理由。")
    if grant:
        action.deadline = until
    action.requested_deadline = None
    action.save(update_fields=["deadline", "requested_deadline"])
    kind = ActionEventKind.EXTENSION_GRANTED if grant else ActionEventKind.EXTENSION_REFUSED
    _event(
        action, kind, user, f"{until:%Y-%m-%d}" + (f"：{reason.strip()}" if reason.strip() else "")
    )
    _tell(
        _people(action, co=False),
        action,
        f"延期申请已同意，新期限 {until:%Y-%m-%d}。"
        if grant
        else f"延期申请未同意（{reason.strip()[:60]}），期限仍为 {action.deadline:%Y-%m-%d}。",
    )
    return action


@transaction.atomic
@_changes_dashboard(my_work=True)
def action_cancel(*, action: ActionItem, user: User, reason: str) -> ActionItem:
    """The DRC withdraws an item (撤销), with a reason; it stays on record."""
    if not reason.strip():
        raise ValidationError("撤销须说明理由。")
    action = _locked(action)
    _end(action, ActionStatus.CANCELLED)
    _event(action, ActionEventKind.CANCELLED, user, reason.strip())
    _resolve_problems_if_done(action)
    _tell(
        _people(action),
        action,
        f"督办事项已撤销（{reason.strip()[:60]}）：{action.decision[:60]}。",
    )
    return action


@transaction.atomic
@_changes_dashboard(my_work=True)
def action_merge(
    *, action: ActionItem, into: ActionItem, user: User, reason: str = ""
) -> ActionItem:
    """The DRC merges a duplicate into another open item: the duplicate ends, pointing at the
    item that carries on; both histories say so."""
    if action.pk == into.pk:
        raise ValidationError("不能合并到事项本身。")
    first, second = sorted([action.pk, into.pk])  # lock in one order: no deadlock
    locked = {a.pk: a for a in (_locked(ActionItem(pk=first)), _locked(ActionItem(pk=second)))}
    action, into = locked[action.pk], locked[into.pk]
    if action.industry_id != into.industry_id:
        raise ValidationError("只能合并同一产业的督办事项。")
    _end(action, ActionStatus.MERGED, merged_into=into)
    note = reason.strip()
    _event(
        action,
        ActionEventKind.MERGED,
        user,
        f"并入事项 #{into.pk}：{into.decision[:60]}" + (f"（{note}）" if note else ""),
    )
    _event(into, ActionEventKind.MERGED_IN, user, f"事项 #{action.pk} 并入：{action.decision[:60]}")
    # The duplicate's problems are answered by the item that carries on.
    Problem.objects.filter(Q(pk=action.problem_id) | Q(action=action)).update(action=into)
    _tell(
        _people(action),
        action,
        f"督办事项已并入事项 #{into.pk}，请在该事项中继续办理：{into.decision[:60]}。",
    )
    return action


@transaction.atomic
@_changes_dashboard
def problem_resolve(*, problem: Problem, user: User, note: str) -> Problem:
    """The DRC marks a problem resolved without an item, saying how."""
    if not note.strip():
        raise ValidationError("请说明问题的解决情况。")
    problem = Problem.objects.select_for_update(of=("self",)).get(pk=problem.pk)
    if problem.status == ProblemStatus.RESOLVED:
        raise ValidationError("该问题已解决。")
    if _concerning(problem.pk).filter(status__in=ActionStatus.open_values()).exists():
        raise ValidationError("该问题还有未办结的督办事项：请在事项中办结或撤销。")
    problem.status, problem.resolution = ProblemStatus.RESOLVED, note.strip()
    problem.resolved_at, problem.resolved_by = timezone.now(), user
    problem.save(update_fields=["status", "resolution", "resolved_at", "resolved_by"])
    return problem


@transaction.atomic
@_changes_dashboard
def problem_link(*, problem: Problem, action: ActionItem, user: User) -> Problem:
    """The DRC links a problem to an existing open item of its industry: the item's closing
    resolves it."""
    action = _locked(action)  # the item before the problem, as every step locks them
    problem = (
        Problem.objects.select_for_update(of=("self",)).select_related("update").get(pk=problem.pk)
    )
    if problem.status == ProblemStatus.RESOLVED:
        raise ValidationError("该问题已解决。")
    if action.industry_id != problem.update.industry_id:
        raise ValidationError("只能关联同一产业的督办事项。")
    problem.status, problem.action = ProblemStatus.ASSIGNED, action
    problem.save(update_fields=["status", "action"])
    _event(action, ActionEventKind.LINKED, user, problem.description[:200])
    return problem
