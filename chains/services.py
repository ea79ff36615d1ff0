"""Writes to the matrix. Every change of the matrix re-syncs object permissions in the same
transaction (accounts.services.permissions_sync)."""

import getpass
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction

from chains.choices import LIST_SEPARATOR, ChangeMethod, LoadedTable, UnitRole
from chains.matrix_rules import assignment_code_for, check_matrix_row
from chains.models import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    Category,
    Indicator,
    Industry,
    MatrixChange,
    Official,
    Unit,
)

NO_CHANGE = "无变化"


@dataclass
class LoadReport:
    """What a load did: counts per kind of change, and the row errors if it refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    # The table already held data and no replacement was asked for: the file was not read.
    already_loaded: bool = False
    existing: int = 0  # how many rows the table held before the load
    changes: list[str] = field(default_factory=list)  # what the load changes, item by item
    record: MatrixChange | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def add(self, outcome: str | None) -> None:
        if outcome == "created":
            self.created += 1
        elif outcome == "updated":
            self.updated += 1
        else:
            self.unchanged += 1


def upsert(model, lookup: dict, values: dict) -> str | None:
    """Create or update one row by its natural key; touch nothing when it is already right."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return "created"
    differing = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if not differing:
        return None
    for key, value in differing.items():
        setattr(obj, key, value)
    obj.full_clean()
    obj.save(update_fields=list(differing))
    return "updated"


@transaction.atomic
def industry_upsert(
    *, code: str, name: str, name_en: str, category: Category, position: int
) -> str | None:
    """Create or update an industry, attaching it to its assignment (shared for the future six)."""
    assignment, _created = Assignment.objects.get_or_create(
        code=assignment_code_for(industry_code=code, category_code=category.code)
    )
    return upsert(
        Industry,
        {"code": code},
        {
            "name": name,
            "name_en": name_en,
            "category": category,
            "position": position,
            "assignment": assignment,
        },
    )


@transaction.atomic
def industry_assign(
    *,
    industry: Industry,
    lead_officials: Sequence[str],
    lead_units: Sequence[str],
    responsible_units: Sequence[str],
) -> bool:
    """Give an industry its ordered officials, lead units and responsible units (by canonical
    name). For a future industry this edits the assignment all six share. Returns whether
    anything changed. The row must pass the matrix's rules (chains.matrix_rules), else
    ValidationError. The caller re-syncs permissions once it has applied all its rows."""
    check_matrix_row(
        lead_officials=lead_officials, lead_units=lead_units, responsible_units=responsible_units
    )
    code = assignment_code_for(industry_code=industry.code, category_code=industry.category.code)
    assignment, _created = Assignment.objects.get_or_create(code=code)
    changed = False
    if industry.assignment_id != assignment.pk:
        industry.assignment = assignment
        industry.save(update_fields=["assignment"])
        changed = True
    changed |= assignment_set_members(
        assignment=assignment,
        officials=list(Official.objects.filter(name__in=lead_officials)),
        official_order=lead_officials,
        lead_units=lead_units,
        responsible_units=responsible_units,
    )
    Assignment.objects.filter(industries__isnull=True).delete()
    return changed


def assignment_lock(assignment: Assignment) -> None:
    """Hold the assignment's row until the caller's transaction ends: two writes to one
    assignment (two administrators saving, a form save and an import) then run one after
    the other, the second reading what the first wrote, instead of both replacing the links
    they read before either had written."""
    Assignment.objects.select_for_update().filter(pk=assignment.pk).values_list("pk").first()


@transaction.atomic
def assignment_set_members(
    *,
    assignment: Assignment,
    officials: Sequence[Official],
    official_order: Sequence[str],
    lead_units: Sequence[str],
    responsible_units: Sequence[str],
) -> bool:
    """Give the assignment these officials and units, in order (the links deleted and made
    again when anything differs), the assignment locked first. Returns whether it changed."""
    assignment_lock(assignment)
    by_name = {o.name: o for o in officials}
    units = {u.name: u for u in Unit.objects.filter(name__in=[*lead_units, *responsible_units])}
    wanted_officials = [(by_name[n].pk, pos) for pos, n in enumerate(official_order)]
    wanted_units = [(units[n].pk, UnitRole.LEAD, pos) for pos, n in enumerate(lead_units)] + [
        (units[n].pk, UnitRole.RESPONSIBLE, pos) for pos, n in enumerate(responsible_units)
    ]
    current_officials = list(
        assignment.official_links.order_by("position", "id").values_list("official_id", "position")
    )
    current_units = list(
        assignment.unit_links.order_by("role", "position", "id").values_list(
            "unit_id", "role", "position"
        )
    )
    if current_officials == wanted_officials and sorted(current_units, key=_unit_key) == sorted(
        wanted_units, key=_unit_key
    ):
        return False
    assignment.official_links.all().delete()
    assignment.unit_links.all().delete()
    AssignmentOfficial.objects.bulk_create(
        AssignmentOfficial(assignment=assignment, official_id=o, position=p)
        for o, p in wanted_officials
    )
    AssignmentUnit.objects.bulk_create(
        AssignmentUnit(assignment=assignment, unit_id=u, role=r, position=p)
        for u, r, p in wanted_units
    )
    return True


def _unit_key(item: tuple) -> tuple:
    unit_id, role, position = item
    return (str(role), position, unit_id)


@dataclass(frozen=True)
class Load:
    """Who loads a file or changes the matrix, how (MatrixChange.method), and, for a load,
    whether existing data may be replaced. A management command runs without a portal account
    unless given one; the operating-system user is kept then."""

    replace: bool = False
    dry_run: bool = False
    actor: object = None  # accounts.User or None
    actor_name: str = ""
    method: str = ChangeMethod.COMMAND

    def who(self) -> str:
        if self.actor_name:
            return self.actor_name
        if self.actor is not None:
            return self.actor.get_username()
        try:
            return getpass.getuser()
        except (KeyError, OSError):  # a container user with no passwd entry
            return "unknown"


@dataclass(frozen=True)
class FieldChange:
    """One field of one item, before and after (as shown: see `table_changes`' formats)."""

    name: str
    label: str
    before: object
    after: object

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def is_list(self) -> bool:
        return isinstance(self.before, (list, tuple)) or isinstance(self.after, (list, tuple))

    @property
    def added(self) -> list:
        if not self.is_list:
            return []
        return [v for v in self.after or [] if v not in (self.before or [])]

    @property
    def removed(self) -> list:
        if not self.is_list:
            return []
        return [v for v in self.before or [] if v not in (self.after or [])]

    @property
    def reordered(self) -> bool:
        """The same names in another order."""
        return self.is_list and self.changed and not self.added and not self.removed

    @property
    def before_marked(self) -> list[tuple[object, bool]]:
        """For a list: (name, whether the change removes it), in order."""
        removed = self.removed
        return [(v, v in removed) for v in self.before or []] if self.is_list else []

    @property
    def after_marked(self) -> list[tuple[object, bool]]:
        """For a list: (name, whether the change adds it), in order."""
        added = self.added
        return [(v, v in added) for v in self.after or []] if self.is_list else []

    @property
    def delta(self) -> str:
        """For a list: 「新增：…；移除：…」, or 「仅调整顺序」."""
        parts = []
        if self.added:
            parts.append(f"新增：{LIST_SEPARATOR.join(map(str, self.added))}")
        if self.removed:
            parts.append(f"移除：{LIST_SEPARATOR.join(map(str, self.removed))}")
        if self.reordered:
            parts.append("仅调整顺序")
        return "；".join(parts)

    def text(self) -> str:
        return NO_CHANGE if not self.changed else f"{_shown(self.before)} → {_shown(self.after)}"


@dataclass(frozen=True)
class ItemChange:
    """What a change does to one item of a table (an industry's row of the matrix)."""

    key: str
    title: str
    status: str  # "added", "removed", "changed" or "same"
    fields: tuple[FieldChange, ...] = ()

    @property
    def changed_fields(self) -> list[FieldChange]:
        return [f for f in self.fields if f.changed]


def table_changes(
    before: Sequence[dict],
    after: Sequence[dict],
    *,
    key: str,
    title: Callable[[dict], str],
    labels: dict[str, str],
    formats: dict[str, Callable] | None = None,
) -> list[ItemChange]:
    """Item by item, in the order of `after` (then the items gone): each labelled field
    before and after, shown through `formats` (field → function) where one is given."""
    formats = formats or {}

    def shown(name, value):
        return formats[name](value) if name in formats and value is not None else value

    old = {row[key]: row for row in before}
    new_keys = {row[key] for row in after}
    items = []
    for row in after:
        previous = old.get(row[key])
        fields = tuple(
            FieldChange(
                name,
                label,
                None if previous is None else shown(name, previous.get(name)),
                shown(name, row.get(name)),
            )
            for name, label in labels.items()
        )
        if previous is None:
            status = "added"
        elif previous != row:
            status = "changed"
        else:
            status = "same"
        items.append(ItemChange(row[key], title(row), status, fields))
    items += [
        ItemChange(row[key], title(row), "removed") for row in before if row[key] not in new_keys
    ]
    return items


def table_diff(
    before: Sequence[dict],
    after: Sequence[dict],
    *,
    key: str,
    title: Callable[[dict], str],
    labels: dict[str, str],
    formats: dict[str, Callable] | None = None,
) -> list[str]:
    """What a load changed, item by item: "old → new" for each labelled field, "无变化"
    where a field (or the whole item) stayed the same, and the items added or gone."""
    lines = []
    for item in table_changes(before, after, key=key, title=title, labels=labels, formats=formats):
        if item.status == "added":
            lines.append(f"{item.title}：新增")
        elif item.status == "removed":
            lines.append(f"{item.title}：已删除")
        elif not item.changed_fields:
            lines.append(f"{item.title}：{NO_CHANGE}")
        else:
            lines.append(f"{item.title}：")
            lines.extend(f"  {f.label}：{f.text()}" for f in item.fields)
    return lines


def changed_keys(before: Sequence[dict], after: Sequence[dict], *, key: str) -> list:
    """The keys of the items a change added, altered or removed."""
    old = {row[key]: row for row in before}
    new = {row[key]: row for row in after}
    return [k for k in {**old, **new} if old.get(k) != new.get(k)]


def _shown(value) -> str:
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value) or "（空）"
    return "（空）" if value in (None, "") else str(value)


def load_record(
    *,
    table: str,
    load: Load,
    source,
    before: list,
    after: list,
    changes: list[str],
) -> MatrixChange:
    """Record a load or change that took effect, in the caller's transaction. A change of the
    matrix is linked to the industries whose row it changed (each industry page shows them)."""
    record = MatrixChange.objects.create(
        table=table,
        method=load.method,
        replaced=bool(before),
        actor=load.actor,
        actor_name=load.who(),
        source=str(source),
        before=before,
        after=after,
        changes=changes,
    )
    if table == LoadedTable.MATRIX:
        record.industries.set(
            Industry.objects.filter(name__in=changed_keys(before, after, key="industry"))
        )
    return record


def load_conclude(
    report: LoadReport,
    load: Load,
    *,
    table: str,
    source,
    before: list,
    after: list,
    key: str,
    title: Callable[[dict], str],
    labels: dict[str, str],
    formats: dict[str, Callable] | None = None,
    changed: bool = False,
) -> bool:
    """The end every load shares: list what changed on the report and, unless it is a dry run,
    record it when anything did. Returns True for a dry run, which the caller rolls back."""
    report.changes = table_diff(before, after, key=key, title=title, labels=labels, formats=formats)
    if load.dry_run:
        return True
    if before != after or changed:
        report.record = load_record(
            table=table,
            load=load,
            source=source,
            before=before,
            after=after,
            changes=report.changes,
        )
    return False


INDICATOR_LABELS = {
    "name": "名称",
    "name_en": "英文名称",
    "unit": "计量单位",
    "period": "期别",
    "aliases": "别名",
}


def _indicator_title(row: dict) -> str:
    return f"{row['name']}（{row['code']}）"


def indicator_rows() -> list[dict]:
    fields = ("code", *INDICATOR_LABELS, "position")
    return [dict(row) for row in Indicator.objects.order_by("position", "code").values(*fields)]


def indicators_load(path, *, load: Load | None = None) -> LoadReport:
    """Admin-defined indicators from a JSON list, by code. Only into an empty table unless
    `load.replace`: an administrator's edits survive every restart. A load that changes
    something is recorded with the table before and after."""
    load = load or Load()
    report = LoadReport(existing=Indicator.objects.count())
    if report.existing and not (load.replace or load.dry_run):
        report.already_loaded = True
        return report
    with open(path, encoding="utf-8") as handle:
        items = json.load(handle)
    try:
        with transaction.atomic():
            before = indicator_rows()
            for position, item in enumerate(items):
                values = {k: item.get(k, "") for k in INDICATOR_LABELS}
                report.add(
                    upsert(Indicator, {"code": item["code"]}, {**values, "position": position})
                )
            after = indicator_rows()
            if load_conclude(
                report,
                load,
                table=LoadedTable.INDICATORS,
                source=path,
                before=before,
                after=after,
                key="code",
                title=_indicator_title,
                labels={**INDICATOR_LABELS, "position": "顺序"},
            ):
                raise _DryRun
    except _DryRun:
        pass
    return report


@transaction.atomic
def indicators_set_active(
    *, indicators: Sequence[Indicator], active: bool, user
) -> list[Indicator]:
    """Put indicators in use or out of it; an indicator out of use keeps its figures, which
    still show, while the statistics templates leave it out and the import refuses it. Each
    indicator changed gets an entry in its admin history by `user`; returns those changed."""
    changed = [i for i in indicators if i.is_active != active]
    if not changed:
        return []
    Indicator.objects.filter(pk__in=[i.pk for i in changed]).update(is_active=active)
    message = (
        "启用：重新出现在统计数据模板中，可以导入。"
        if active
        else "停用：不再出现在统计数据模板中，导入时拒绝该指标的数据列。"
    )
    for indicator in changed:
        indicator.is_active = active
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[indicator],
            action_flag=CHANGE,
            change_message=message,
            single_object=True,
        )
    return changed


class _DryRun(Exception):
    """Raised inside the transaction to roll a checked load back."""
