"""Writes to monthly updates. Each is atomic, checks the workflow, and leaves exactly one
history entry (UpdateEvent) with the content as it then stands. Follow-up work (notices) goes
through the outbox in the same transaction."""

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from chains.models import Industry, Unit
from portal.dataversion import data_changed, topics
from portal.months import previous_month
from reporting.choices import ELEMENT_FIELDS, EventKind, ProblemStatus, Section, UpdateStatus
from reporting.models import (
    Attachment,
    Contribution,
    KeyProject,
    MonthlyUpdate,
    Problem,
    ReportingPeriod,
    UpdateEvent,
)
from reporting.outbox import services as outbox
from reporting.periods.services import today
from reporting.periods.workdays import WorkCalendar
from reporting.projects import selectors as project_selectors
from reporting.projects import services as project_services
from reporting.updates import figures
from reporting.updates.attachments import inspect_upload
from reporting.updates.snapshots import TEXT_FIELDS, update_snapshot

EDITABLE = (UpdateStatus.DRAFT, UpdateStatus.RETURNED)

FIGURE_FIELDS = ["projects_signed", "signed_amount"]

CONTENT_FIELDS = [*TEXT_FIELDS, *FIGURE_FIELDS]

REQUIRED_SECTIONS = [*ELEMENT_FIELDS.values(), "next_plan"]


FigureJumpError = figures.FigureJumpError


class ConcurrentEditError(Exception):
    """Someone saved the update since this user loaded it. Their text was kept in history."""

    def __init__(self, current_version: int):
        super().__init__(current_version)  # pragma: no mutate (args: for str() and pickling)
        self.current_version = current_version


def is_locked(update: MonthlyUpdate, on: datetime.date | None = None) -> bool:
    """Past the lock date the lead unit cannot edit, unless the DRC reopened the update."""
    on = on or today()
    if update.reopened_until and on <= update.reopened_until:
        return False
    return on > update.period.lock_date


def is_editable(update: MonthlyUpdate, on: datetime.date | None = None) -> bool:
    return update.status in EDITABLE and not is_locked(update, on)


# What the dashboard shows of an update changes with its review state (reporting counts) and,
# once filed, with its problems: a draft's save, its attachments and the responsible units'
# inputs change nothing there.
REVIEW_EVENTS = {
    EventKind.SUBMITTED,
    EventKind.RESUBMITTED,
    EventKind.WITHDRAWN,
    EventKind.RETURNED,
    EventKind.ACCEPTED,
    EventKind.UNLOCKED,
    EventKind.REOPENED,
}
FILED_EVENTS = {EventKind.SUBMITTED, EventKind.RESUBMITTED}
SAVE_EVENTS = {EventKind.SAVED, EventKind.AUTOSAVED}
# What the form writes of a problem (ProblemForm): a save that writes them as they were changes
# nothing shown.
PROBLEM_FIELDS = ("description", "type", "concerned", "needs_meeting")


def _topics(update: MonthlyUpdate, kind: EventKind, problems_changed: bool) -> list[str]:
    if kind in (EventKind.CREATED, EventKind.CARRIED_OVER):
        return [topics.started(update.period.year), topics.WORK]
    names = []
    if kind in REVIEW_EVENTS:
        names += [topics.reporting(update.period_id, update.industry_id), topics.WORK]
    # A filed update's problems: brought by its submission, or changed by a save after a return.
    filed_change = kind in FILED_EVENTS or (kind in SAVE_EVENTS and problems_changed)
    if filed_change and update.first_submitted_at is not None:
        names.append(topics.problems(update.industry_id))
    return names


def _record(
    update: MonthlyUpdate,
    kind: EventKind,
    user: User | None,
    *,
    problems_changed: bool = False,
    **extra,
) -> UpdateEvent:
    data_changed(*_topics(update, kind, problems_changed))  # every write leaves one event
    return UpdateEvent.objects.create(
        update=update,
        kind=kind,
        actor=user,
        version=update.version,
        status=update.status,
        snapshot=extra.pop("snapshot", None) or update_snapshot(update),
        **extra,
    )


def lock_editable(update_id: int) -> MonthlyUpdate:
    """The update, locked for this transaction, if its unit may still change it; else the
    reason why not. For writes hanging off an update (attachments, land items)."""
    current = _lock(update_id)
    if not is_editable(current):
        raise ValidationError(_not_editable_message(current))
    return current


def _reload(update_id: int) -> MonthlyUpdate:
    return (
        MonthlyUpdate.objects.select_related("period", "industry", "unit")
        .prefetch_related("key_projects", "problems", "attachments")
        .get(pk=update_id)
    )


def _lock(update_id: int) -> MonthlyUpdate:
    return (
        MonthlyUpdate.objects.select_for_update()
        .select_related("period", "industry", "unit")
        .get(pk=update_id)
    )


@transaction.atomic
def update_start(
    *, industry: Industry, unit: Unit, period: ReportingPeriod, user: User, carry_over: bool = False
) -> MonthlyUpdate:
    """Open the update for a month, optionally starting from last month's text. Starting twice
    returns the same update."""
    if not industry.assignment.unit_links.filter(unit=unit, role="lead").exists():
        raise ValidationError(
            f"{unit.name}不是{industry.name}的牵头单位，不能填报该产业的月度进展。"
        )
    existing = MonthlyUpdate.objects.filter(industry=industry, unit=unit, period=period).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return _start(industry, unit, period, user, carry_over)
    except IntegrityError:  # a double click: the other request created it
        return MonthlyUpdate.objects.get(industry=industry, unit=unit, period=period)


def _start(industry, unit, period, user, carry_over) -> MonthlyUpdate:
    update = MonthlyUpdate(
        industry=industry, unit=unit, period=period, created_by=user, updated_by=user
    )
    previous = None
    if carry_over:
        previous = _previous_update(industry, unit, period)
        if previous is None:
            raise ValidationError("没有上月的进展可以带入。")
        for name in CONTENT_FIELDS:
            setattr(update, name, getattr(previous, name))
        update.carried_over_from = previous
    update.save()
    # The register's projects still followed start every month's lines (with last month's
    # progress when carrying over), then last month's lines typed before the register.
    KeyProject.objects.bulk_create(
        KeyProject(update=update, position=i, **line)
        for i, line in enumerate(project_selectors.lines_to_carry(industry, unit, previous))
    )
    _record(_reload(update.pk), EventKind.CARRIED_OVER if previous else EventKind.CREATED, user)
    return update


def _previous_update(
    industry: Industry, unit: Unit, period: ReportingPeriod
) -> MonthlyUpdate | None:
    earlier = MonthlyUpdate.objects.filter(industry=industry, unit=unit)
    earlier = earlier.filter(period__year__lt=period.year) | earlier.filter(
        period__year=period.year, period__month__lt=period.month
    )
    return earlier.order_by("-period__year", "-period__month").first()


@dataclass
class UpdateContent:
    """What the lead unit's form carries: text and figures, and the full lists of key
    projects and problems (None leaves a list as it is)."""

    fields: dict
    key_projects: list[dict] | None = None
    problems: list[dict] | None = None


def update_save(
    *,
    update: MonthlyUpdate,
    content: UpdateContent,
    expected_version: int,
    user: User,
    autosave: bool = False,
    confirmations: Mapping[str, Decimal] | None = None,
) -> MonthlyUpdate:
    """Save the lead unit's text. Refused with ConcurrentEditError when someone saved since
    `expected_version` was read; the refused text is then kept in the history. Refused with
    a ValidationError when a figure is out of range, and with FigureJumpError when one is more
    than ten times last month's and `confirmations` (figure key → the value the user
    confirmed) does not confirm it."""
    try:
        with transaction.atomic():
            return _save(update, content, expected_version, user, autosave, confirmations or {})
    except ConcurrentEditError:
        _keep_refused(update, content, user)
        raise


def _save(update, content, expected_version, user, autosave, confirmations):
    current = _lock(update.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(current.version)
    if not is_editable(current):
        raise ValidationError(_not_editable_message(current))
    unknown = set(content.fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not update content: {sorted(unknown)}")
    for name, value in content.fields.items():
        setattr(current, name, value)
    projects = None
    if content.key_projects is not None:
        # The form does not carry what each register line started from: keep it.
        carried = {
            line.project_id: (line.carried_stage, line.carried_investment)
            for line in current.key_projects.filter(project__isnull=False)
        }
        projects = [
            KeyProject(update=current, position=i, **row)
            for i, row in enumerate(project_services.check_lines(current, content.key_projects))
        ]
        for line in projects:
            if line.project_id in carried:
                line.carried_stage, line.carried_investment = carried[line.project_id]
    _validate(current, projects)
    current.figure_checks, confirmed = _figure_checks(current, projects, confirmations, user)
    current.version = F("version") + 1
    current.updated_by = user
    current.save()
    if projects is not None:
        current.key_projects.all().delete()
        KeyProject.objects.bulk_create(projects)
    problems_changed = False
    if content.problems is not None:
        # Problems already escalated or assigned belong to the coordination loop, and those a
        # leader instructed on (批示) stay as written: only the others are the form's to replace.
        replaceable = current.problems.filter(
            status=ProblemStatus.OPEN, instructions__isnull=True
        ).order_by("position", "id")
        problems_changed = list(replaceable.values(*PROBLEM_FIELDS)) != [
            {name: row.get(name, "") for name in PROBLEM_FIELDS} for row in content.problems
        ]
        replaceable.delete()
        start = current.problems.count()
        Problem.objects.bulk_create(
            Problem(update=current, position=start + i, **row)
            for i, row in enumerate(content.problems)
        )

    saved = _reload(current.pk)
    _record(
        saved,
        EventKind.AUTOSAVED if autosave else EventKind.SAVED,
        user,
        problems_changed=problems_changed,
        reason=_confirmed_reason(confirmed),
    )
    return saved


def _validate(current: MonthlyUpdate, projects: list[KeyProject] | None) -> None:
    """The model's own rules for what the unit wrote (the figures' units and ranges above
    all), whichever path the content came by: a form, a command, the demo."""
    messages = []
    others = [f.name for f in MonthlyUpdate._meta.fields if f.name not in CONTENT_FIELDS]
    try:
        current.clean_fields(exclude=others)  # also turns "15.50" into Decimal("15.50")
    except ValidationError as exc:
        messages += exc.messages
    for project in projects or []:
        try:
            project.clean_fields(exclude=["update"])
        except ValidationError as exc:
            messages += [f"重点项目“{project.name}”：{m}" for m in exc.messages]
    if messages:
        raise ValidationError(messages)


def _last_month(update: MonthlyUpdate) -> MonthlyUpdate | None:
    """The same unit's update on the same industry for the month before, if any."""
    year, month = previous_month(update.period.year, update.period.month)
    return (
        MonthlyUpdate.objects.filter(
            industry_id=update.industry_id,
            unit_id=update.unit_id,
            period__year=year,
            period__month=month,
        )
        .prefetch_related("key_projects")
        .first()
    )


def _figure_checks(
    current: MonthlyUpdate,
    projects: list[KeyProject] | None,
    confirmations: Mapping[str, Decimal],
    user: User,
) -> tuple[dict, list[figures.Jump]]:
    """The figures' confirmations after this write, and those new in it; FigureJumpError
    when one jumps past ten times last month's unconfirmed (see figures.confirm)."""
    last = _last_month(current)
    found = figures.jumps(
        figures.figure_values(current, projects), figures.figure_values(last) if last else {}
    )
    return figures.confirm(
        found,
        confirmations=confirmations,
        kept=current.figure_checks or {},
        user=user,
        at=timezone.now(),
    )


def _confirmed_reason(confirmed: list[figures.Jump]) -> str:
    return "；".join(f"已核实：{jump.warning}" for jump in confirmed)


def _keep_refused(update: MonthlyUpdate, content: UpdateContent, user: User) -> None:
    """Nothing is lost: the text of a refused save is kept in the update's history."""
    current = _reload(update.pk)
    snapshot = update_snapshot(current)
    snapshot["fields"].update({k: v for k, v in content.fields.items() if k in TEXT_FIELDS})
    snapshot["figures"].update(
        {
            k: str(v) if v is not None else None
            for k, v in content.fields.items()
            if k in FIGURE_FIELDS
        }
    )
    if content.key_projects is not None:
        snapshot["key_projects"] = [
            {
                **row,
                "investment": str(row["investment"]) if row.get("investment") is not None else None,
            }
            for row in content.key_projects
        ]
    if content.problems is not None:
        snapshot["problems"] = content.problems
    with transaction.atomic():
        _record(current, EventKind.CONFLICT_KEPT, user, snapshot=snapshot)


def _not_editable_message(update: MonthlyUpdate) -> str:
    if update.status == UpdateStatus.ACCEPTED:
        return "该进展已通过审核并锁定；如需修改，请联系市发改委解锁。"
    if update.status == UpdateStatus.SUBMITTED:
        return "该进展已提交，正在审核；如需修改，请先撤回。"
    return f"已过锁定日期（{update.period.lock_date:%Y年%m月%d日}），只有市发改委可以重新开放填报。"


def missing_sections(update: MonthlyUpdate) -> list[str]:
    labels = {
        field: str(label) for field, label in [(ELEMENT_FIELDS[s], s.label) for s in ELEMENT_FIELDS]
    }
    labels["next_plan"] = str(Section.NEXT_PLAN.label)
    return [labels[f] for f in REQUIRED_SECTIONS if not (getattr(update, f) or "").strip()]


@transaction.atomic
def update_submit(
    *,
    update: MonthlyUpdate,
    user: User,
    expected_version: int,
    confirmations: Mapping[str, Decimal] | None = None,
) -> MonthlyUpdate:
    """Send the update to the DRC. Its figures are checked again: last month's may have
    changed since the save (see update_save for `confirmations`)."""
    current = _lock(update.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(current.version)
    if not is_editable(current):
        raise ValidationError(_not_editable_message(current))
    missing = missing_sections(current)
    if missing:
        raise ValidationError(
            "以下栏目尚未填写，不能提交："
            + "、".join(missing)
            + "（没有进展的栏目请写明“本月无新进展”）。"
        )
    projects = list(current.key_projects.all())
    _validate(current, projects)
    current.figure_checks, confirmed = _figure_checks(current, projects, confirmations or {}, user)
    resubmission = current.status == UpdateStatus.RETURNED
    now = timezone.now()
    current.status = UpdateStatus.SUBMITTED
    current.submitted_at = now
    current.first_submitted_at = current.first_submitted_at or now
    current.version = F("version") + 1
    current.updated_by = user
    current.save()
    saved = _reload(current.pk)
    _record(
        saved,
        EventKind.RESUBMITTED if resubmission else EventKind.SUBMITTED,
        user,
        reason=_confirmed_reason(confirmed),
    )
    outbox.enqueue("reporting.notify_submitted", update_id=saved.pk)
    return saved


@transaction.atomic
def update_withdraw(*, update: MonthlyUpdate, user: User) -> MonthlyUpdate:
    """The lead unit takes back a submission the DRC has not reviewed yet."""
    current = _lock(update.pk)
    if current.status != UpdateStatus.SUBMITTED:
        raise ValidationError("只有已提交、尚未审核的进展可以撤回。")
    if is_locked(current):
        raise ValidationError("已过锁定日期，不能再撤回；如需修改，请联系市发改委退回。")
    return _transition(current, UpdateStatus.DRAFT, EventKind.WITHDRAWN, user)


def _transition(current, status, kind, user, **event) -> MonthlyUpdate:
    current.status = status
    current.version = F("version") + 1
    current.updated_by = user
    current.save()
    saved = _reload(current.pk)
    _record(saved, kind, user, **event)
    return saved


@transaction.atomic
def update_return(
    *, update: MonthlyUpdate, user: User, reason: str = "", section_reasons: dict | None = None
) -> MonthlyUpdate:
    """DRC sends an update back, with a general reason and/or reasons on chosen sections."""
    section_reasons = {k: v.strip() for k, v in (section_reasons or {}).items() if v and v.strip()}
    if not reason.strip() and not section_reasons:
        raise ValidationError("退回时请写明理由（总体理由或具体栏目的理由）。")
    unknown = set(section_reasons) - set(Section.values)
    if unknown:
        raise ValidationError(f"未知栏目：{'、'.join(sorted(unknown))}")
    current = _lock(update.pk)
    if current.status != UpdateStatus.SUBMITTED:
        raise ValidationError("只有已提交的进展可以退回。")
    _reopen_if_locked(current)
    saved = _transition(
        current,
        UpdateStatus.RETURNED,
        EventKind.RETURNED,
        user,
        reason=reason.strip(),
        section_reasons=section_reasons,
    )
    outbox.enqueue("reporting.notify_reviewed", update_id=saved.pk)
    return saved


def _reopen_if_locked(current: MonthlyUpdate) -> None:
    """Sending an update back (or unlocking it) after its lock date must leave the unit time
    to fix it."""
    if is_locked(current):
        current.reopened_until = WorkCalendar().add_working_days(
            today(), settings.REPORTING_LOCK_AFTER_WORKING_DAYS
        )


@transaction.atomic
def update_accept(*, update: MonthlyUpdate, user: User) -> MonthlyUpdate:
    current = _lock(update.pk)
    if current.status != UpdateStatus.SUBMITTED:
        raise ValidationError("只有已提交的进展可以审核通过。")
    current.accepted_at = timezone.now()
    # The project register follows what the DRC accepts (new projects, stages moved).
    project_services.projects_from_update(update=current, user=user)
    saved = _transition(current, UpdateStatus.ACCEPTED, EventKind.ACCEPTED, user)
    outbox.enqueue("reporting.notify_reviewed", update_id=saved.pk)
    return saved


@transaction.atomic
def update_unlock(*, update: MonthlyUpdate, user: User, reason: str) -> MonthlyUpdate:
    """Reopen an accepted update for changes; the reason is part of the record."""
    if not reason.strip():
        raise ValidationError("解锁已通过的进展必须写明理由。")
    current = _lock(update.pk)
    if current.status != UpdateStatus.ACCEPTED:
        raise ValidationError("只有已通过的进展需要解锁。")
    current.accepted_at = None
    _reopen_if_locked(current)
    saved = _transition(
        current, UpdateStatus.RETURNED, EventKind.UNLOCKED, user, reason=reason.strip()
    )
    outbox.enqueue("reporting.notify_reviewed", update_id=saved.pk)
    return saved


@transaction.atomic
def update_reopen(
    *, update: MonthlyUpdate, user: User, reason: str, until: datetime.date
) -> MonthlyUpdate:
    """After the lock date only the DRC can let a unit edit again, until a date it sets."""
    if not reason.strip():
        raise ValidationError("重新开放填报必须写明理由。")
    if until < today():
        raise ValidationError("开放截止日期不能早于今天。")
    current = _lock(update.pk)
    if current.status not in EDITABLE:
        raise ValidationError("只有草稿或被退回的进展可以重新开放；已通过的请使用“解锁”。")
    current.reopened_until = until
    return _transition(current, current.status, EventKind.REOPENED, user, reason=reason.strip())


@dataclass
class BulkResult:
    done: list[MonthlyUpdate]
    skipped: list[tuple[MonthlyUpdate, str]]


def updates_review(*, updates, user: User, accept: bool, reason: str = "") -> BulkResult:
    """Accept or return many updates; each is its own transaction, so one that cannot be
    reviewed (already handled by a colleague) does not block the rest."""
    result = BulkResult(done=[], skipped=[])
    for update in updates:
        try:
            if accept:
                result.done.append(update_accept(update=update, user=user))
            else:
                result.done.append(update_return(update=update, user=user, reason=reason))
        except ValidationError as exc:
            result.skipped.append((update, " ".join(exc.messages)))
    return result


@transaction.atomic
def contribution_add(*, update: MonthlyUpdate, user: User, text: str) -> Contribution:
    if not text.strip():
        raise ValidationError("请填写要提供的材料内容。")
    current = _lock(update.pk)
    if current.status == UpdateStatus.ACCEPTED:
        raise ValidationError("该进展已通过审核，不能再补充材料。")
    contribution = Contribution.objects.create(
        update=current, unit=user.unit, author=user, text=text.strip()
    )
    _record(
        _reload(current.pk),
        EventKind.CONTRIBUTION_ADDED,
        user,
        reason=f"{user.unit.name}：{text.strip()[:200]}",
    )
    outbox.enqueue("reporting.notify_contribution", contribution_id=contribution.pk)
    return contribution


@transaction.atomic
def attachment_add(*, update: MonthlyUpdate, user: User, upload) -> Attachment:
    """Store an attachment after checking its size and real type (see attachments.py)."""
    current = lock_editable(update.pk)
    info = inspect_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        update=current,
        name=info.name,
        extension=info.extension,
        size=upload.size,
        content_type=info.content_type,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save(info.name, upload, save=False)
    attachment.save()
    _record(_reload(current.pk), EventKind.ATTACHMENT_ADDED, user, reason=info.name)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user: User) -> None:
    """Attachments are hidden, never deleted: the file stays for the record."""
    current = lock_editable(attachment.update_id)
    Attachment.objects.filter(pk=attachment.pk).update(removed_at=timezone.now())
    _record(_reload(current.pk), EventKind.ATTACHMENT_REMOVED, user, reason=attachment.name)
