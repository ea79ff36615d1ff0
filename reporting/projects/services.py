"""Writes to the project register (项目库). Each is atomic, checks who may, refuses a stale
version instead of overwriting a colleague, and leaves one ProjectEvent with the project as it
then stands. A monthly update reports on the register's projects: its lines are checked here
when it is saved (check_lines) and applied when the DRC accepts it (projects_from_update)."""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from chains.models import Industry, Unit
from portal.dataversion import data_changed, topics
from reporting.choices import ProjectEventKind, ProjectStage
from reporting.models import LandItem, MonthlyUpdate, Project, ProjectEvent
from reporting.periods.services import today
from reporting.projects.access import can_change_project, keeps_register

MAX_INVESTMENT = Decimal("10000")

# The fields project_add and project_change may set (stage through its own rules).
FIELDS = {
    "name",
    "investor",
    "district",
    "carrier",
    "investment",
    "stage",
    "stop_reason",
    "land_mu",
    "land_supply_month",
    "responsible_unit",
}

# The date each stage is reached, kept once reached.
STAGE_DATES = {
    ProjectStage.SIGNED: "signed_on",
    ProjectStage.CONSTRUCTION: "started_on",
    ProjectStage.OPERATING: "operating_on",
}


def snapshot(project: Project) -> dict:
    """The project's fields as plain data, for its history."""

    def plain(value):
        if isinstance(value, Decimal | datetime.date):
            return str(value)
        return value

    return {
        "name": project.name,
        "investor": project.investor,
        "district": project.district.name if project.district_id else "",
        "carrier": project.carrier.name if project.carrier_id else "",
        "investment": plain(project.investment),
        "stage": project.stage,
        "stage_since": plain(project.stage_since),
        "signed_on": plain(project.signed_on),
        "started_on": plain(project.started_on),
        "operating_on": plain(project.operating_on),
        "stop_reason": project.stop_reason,
        "land_mu": plain(project.land_mu),
        "land_supply_month": plain(project.land_supply_month),
        "responsible_unit": project.responsible_unit.name,
        "removed": project.removed_at is not None,
    }


def _record(project: Project, kind: str, user: User | None, **extra) -> ProjectEvent:
    data_changed(topics.projects(project.industry_id))
    return ProjectEvent.objects.create(
        project=project,
        kind=kind,
        actor=user,
        stage_to=project.stage,
        snapshot=snapshot(project),
        **extra,
    )


def _move(project: Project, stage: str, on: datetime.date) -> None:
    """Put the project in `stage` from `on`; the date of a stage reached is kept."""
    if stage != project.stage:
        project.stage = stage
        project.stage_since = on
    field = STAGE_DATES.get(stage)
    if field and getattr(project, field) is None:
        setattr(project, field, on)
    if stage not in ProjectStage.needs_reason():
        project.stop_reason = ""


def _check(project: Project) -> None:
    """The rules of a project, whichever way it is written: a form, an update, a lead."""
    errors = {}
    project.name = (project.name or "").strip()
    project.stop_reason = (project.stop_reason or "").strip()
    if not project.name:
        errors["name"] = "请填写项目名称。"
    if project.stage in ProjectStage.needs_reason() and not project.stop_reason:
        errors["stop_reason"] = "项目暂停或终止时，请写明原因。"
    if project.investment is not None and not Decimal(0) <= project.investment <= MAX_INVESTMENT:
        errors["investment"] = "总投资应在0至10000亿元之间。"
    if project.land_mu is not None and project.land_mu <= 0:
        errors["land_mu"] = "用地面积应大于0亩。"
    if project.carrier_id and project.district_id:
        if project.carrier.unit_id != project.district_id:
            errors["carrier"] = (
                f"载体“{project.carrier.name}”位于{project.carrier.unit.name}，"
                f"与所填区（开发区）{project.district.name}不一致。"
            )
    elif project.carrier_id:
        project.district = project.carrier.unit
    if project.land_supply_month is not None:
        project.land_supply_month = project.land_supply_month.replace(day=1)
    if errors:
        raise ValidationError(errors)
    project.full_clean(exclude=["created_by", "stage_since", "land_items"])


@transaction.atomic
def project_add(
    *,
    user: User,
    industry: Industry,
    name: str,
    stage: str = ProjectStage.PLANNING,
    responsible_unit: Unit | None = None,
    land_items: list[LandItem] | None = None,
    on: datetime.date | None = None,
    **fields,
) -> Project:
    """Register a project of an industry its lead unit keeps (the user's unit follows it
    unless another unit is named)."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"project_add() cannot set {sorted(unknown)}")
    if not keeps_register(user, industry):
        raise PermissionDenied("只有该产业的牵头单位可以登记项目。")
    return _add(
        user=user,
        industry=industry,
        name=name,
        stage=stage,
        responsible_unit=responsible_unit or user.unit,
        land_items=land_items,
        on=on or today(),
        **fields,
    )


@transaction.atomic
def project_from_lead(
    *,
    user: User,
    industry: Industry,
    name: str,
    investor: str,
    district: Unit | None,
    investment: Decimal | None,
    responsible_unit: Unit,
    on: datetime.date,
) -> Project:
    """Register a signed investment lead (招商线索签约) as a project: the unit following the lead
    follows the project. Who may sign a lead is the leads' rule (reporting.leads.access)."""
    return _add(
        user=user,
        industry=industry,
        name=name,
        stage=ProjectStage.SIGNED,
        responsible_unit=responsible_unit,
        land_items=None,
        on=on,
        investor=investor,
        district=district,
        investment=investment,
    )


def _add(*, user, industry, name, stage, responsible_unit, land_items, on, update=None, **fields):
    project = Project(
        industry=industry,
        name=name,
        responsible_unit=responsible_unit,
        created_by=user,
        stage=ProjectStage.PLANNING,
        stage_since=on,
        **{k: v for k, v in fields.items() if k != "stage"},
    )
    _move(project, stage, on)
    if stage in ProjectStage.needs_reason():
        project.stop_reason = fields.get("stop_reason", "")
    _check(project)
    project.save()
    if land_items:
        project.land_items.set(_own_land(project, land_items))
    _record(project, ProjectEventKind.CREATED, user, update=update)
    return project


def _own_land(project: Project, items: list[LandItem]) -> list[LandItem]:
    """Land items a project may be linked to: its industry's, or its district's."""
    for item in items:
        of_industry = item.industry_id == project.industry_id
        of_district = project.district_id is not None and item.unit_id == project.district_id
        if not (of_industry or of_district):
            raise ValidationError({"land_items": f"用地事项“{item.name}”不属于本产业或本区。"})
    return items


def _lock(project: Project, user: User, version: int | None) -> Project:
    current = (
        Project.objects.select_for_update(of=("self",))
        .select_related("industry")
        .get(pk=project.pk)
    )
    if not can_change_project(user, current):
        raise PermissionDenied("只有该产业的牵头单位或跟进该项目的单位可以修改项目。")
    if version is not None and current.version != version:
        raise ValidationError(
            f"该项目已被他人修改（当前为第{current.version}版，您编辑的是第{version}版），"
            "您的修改未保存。请核对最新内容后重新提交。",
            code="conflict",
        )
    return current


@transaction.atomic
def project_change(
    *,
    project: Project,
    user: User,
    version: int,
    land_items: list[LandItem] | None = None,
    on: datetime.date | None = None,
    **fields,
) -> Project:
    """Change a project, if nobody changed it since the user loaded `version`."""
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"project_change() cannot set {sorted(unknown)}")
    current = _lock(project, user, version)
    if current.removed_at is not None:
        raise ValidationError("该项目已移出项目库，请先恢复。")
    before = current.stage
    stage = fields.pop("stage", current.stage)
    for name, value in fields.items():
        setattr(current, name, value)
    _move(current, stage, on or today())
    if stage in ProjectStage.needs_reason():
        current.stop_reason = fields.get("stop_reason", current.stop_reason)
    _check(current)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    if land_items is not None:
        current.land_items.set(_own_land(current, land_items))
    _record(current, ProjectEventKind.CHANGED, user, stage_from=before)
    return current


@transaction.atomic
def project_remove(*, project: Project, user: User, version: int, reason: str) -> Project:
    """Take a project out of the register (a duplicate, entered by mistake): it is kept, with
    its history, and can be restored. A project that ended is 终止, not removed."""
    if not (reason or "").strip():
        raise ValidationError("请写明移出项目库的原因。")
    current = _lock(project, user, version)
    if current.removed_at is not None:
        raise ValidationError("该项目已移出项目库。")
    current.removed_at = timezone.now()
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _record(current, ProjectEventKind.REMOVED, user, progress=reason.strip())
    return current


@transaction.atomic
def project_restore(*, project: Project, user: User, version: int) -> Project:
    current = _lock(project, user, version)
    if current.removed_at is None:
        raise ValidationError("该项目在项目库中，无需恢复。")
    current.removed_at = None
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _record(current, ProjectEventKind.RESTORED, user)
    return current


def check_lines(update: MonthlyUpdate, rows: list[dict]) -> list[dict]:
    """A monthly update's project lines, checked against the register: a line names a project
    of the update's industry still in the register, each project (and each new name) at most
    once; it takes the register's name, and explains a pause or an end. Returns the rows ready
    for KeyProject (project → project_id)."""
    ids = [row["project"] for row in rows if row.get("project")]
    known = {p.pk: p for p in Project.objects.filter(pk__in=ids, industry_id=update.industry_id)}
    messages, seen, names, ready = [], set(), set(), []
    for row in rows:
        row = dict(row)
        pk = row.pop("project", None)
        if pk:
            if pk not in known:
                messages.append(f"项目库中没有本产业的这个项目（编号{pk}），请刷新页面后重填。")
                continue
            if known[pk].removed_at is not None:
                messages.append(f"项目“{known[pk].name}”已移出项目库，请删除该行。")
                continue
            row["name"] = known[pk].name
        name = (row.get("name") or "").strip()
        if pk in seen or name in names:
            messages.append(f"项目“{name}”填了两行，请合并为一行。")
        if pk:
            seen.add(pk)
        names.add(name)
        if (
            row.get("stage") in ProjectStage.needs_reason()
            and not (row.get("progress") or "").strip()
        ):
            messages.append(f"项目“{name}”暂停或终止，请在进展中写明原因。")
        ready.append({**row, "project_id": pk or None})
    if messages:
        raise ValidationError(messages)
    return ready


def stage_day(update: MonthlyUpdate, on: datetime.date) -> datetime.date:
    """The day a stage reported in an update is dated: today, or the month's last day when the
    update is filed after its month."""
    period = update.period
    last = datetime.date(
        period.year, period.month, calendar.monthrange(period.year, period.month)[1]
    )
    return min(on, last)


def projects_from_update(*, update: MonthlyUpdate, user: User) -> None:
    """Apply an accepted update to the register. A new line registers its project (followed by
    the lead unit); a line named like a registered project of the industry reports on it. On
    a registered project only what the unit changed from the line it was carried is applied —
    a register change made since (an edit, a signed lead) is never overwritten by the carried
    value — and nothing moves when a later month was already applied. Each line leaves an
    entry with the month's progress in the project's history. Runs inside update_accept's
    transaction."""
    on = stage_day(update, today())
    named = {
        p.name: p.pk
        for p in Project.objects.filter(industry_id=update.industry_id, removed_at__isnull=True)
    }
    period = update.period
    for line in update.key_projects.order_by("position", "id"):
        if line.project_id is None and line.name in named:
            line.project_id = named[line.name]
            line.save(update_fields=["project"])
        if line.project_id is None:
            project = _add(
                user=user,
                industry=update.industry,
                name=line.name,
                stage=line.stage,
                responsible_unit=update.unit,
                land_items=None,
                on=on,
                update=update,
                investment=line.investment,
                stop_reason=line.progress if line.stage in ProjectStage.needs_reason() else "",
            )
            named[project.name] = project.pk
            line.project = project
            line.save(update_fields=["project"])
            before = ""
        else:
            project = (
                Project.objects.select_for_update(of=("self",))
                .select_related("district", "carrier", "responsible_unit")
                .get(pk=line.project_id)
            )
            before = project.stage
            later = ProjectEvent.objects.filter(
                Q(update__period__year__gt=period.year)
                | Q(update__period__year=period.year, update__period__month__gt=period.month),
                project=project,
                kind=ProjectEventKind.REPORTED,
            ).exists()
            moved = not line.carried_stage or line.stage != line.carried_stage
            priced = line.investment is not None and (
                line.carried_investment is None or line.investment != line.carried_investment
            )
            if not later and (moved or priced):
                if moved:
                    _move(project, line.stage, on)
                    if line.stage in ProjectStage.needs_reason():
                        project.stop_reason = line.progress
                if priced:
                    project.investment = line.investment
                project.version += 1
                _check(project)
                project.save()
        _record(
            project,
            ProjectEventKind.REPORTED,
            user,
            update=update,
            stage_from=before,
            progress=line.progress,
        )
