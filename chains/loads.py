"""Loading a table from a fixture file (the matrix, the statistics' indicators, the assessment's
indicators): insert or update each row, say what changed field by field, and record the load
in the matrix's change record. Used by the `load_*` commands and the admin's imports."""

import getpass
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from chains.choices import LIST_SEPARATOR, ChangeMethod, LoadedTable
from chains.models import (
    Industry,
    MatrixChange,
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


class DryRun(Exception):
    """Raised inside the transaction to roll a checked load back."""
