"""The record of changes to the matrix (责任分工变更记录): every change — the admin's form, the
admin's import, the `load_matrix` command — is written with the matrix before and after,
who made it, how, and what changed per industry and field (MatrixChange). The same comparison
gives the import's preview, including the recorded changes the import would undo (the file
may be stale, or the administrator may mean to undo them: the preview says which, not why).

`matrix_change` wraps a write that may change the matrix: it re-syncs object permissions and
records the change in the write's own transaction. `matrix_load` (chains.matrix.io) records
its loads through chains.loads.load_conclude, with the same labels."""

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from chains.choices import ChangeMethod, LoadedTable
from chains.loads import FieldChange, ItemChange, Load, load_record
from chains.loads import table_changes as _table_changes
from chains.loads import table_diff as _table_diff
from chains.matrix.permissions import permissions_sync
from chains.matrix.rules import check_matrix_row
from chains.matrix.selectors import matrix_rows
from chains.matrix.services import assignment_lock, assignment_set_members
from chains.models import Assignment, Category, MatrixChange, Official

MATRIX_LABELS = {
    "category": "产业类别",
    "lead_officials": "牵头市领导",
    "lead_units": "牵头单位",
    "responsible_units": "责任单位",
}


def _industry(row: dict) -> str:
    return row["industry"]


def category_names() -> dict:
    """What a category code is shown as: its Chinese name (the rows keep the code)."""
    names = dict(Category.objects.values_list("code", "name"))
    return {"category": lambda code: names.get(code, code)}


def matrix_changes(
    before: Sequence[dict], after: Sequence[dict], *, formats: dict | None = None
) -> list[ItemChange]:
    """Industry by industry (matrix_rows' order), each field before and after. `formats`
    (category_names()) may be read once for many records."""
    return _table_changes(
        before,
        after,
        key="industry",
        title=_industry,
        labels=MATRIX_LABELS,
        formats=category_names() if formats is None else formats,
    )


def matrix_change_lines(before: Sequence[dict], after: Sequence[dict]) -> list[str]:
    """The same as text lines, as load_matrix prints them and MatrixChange.changes keeps them."""
    return _table_diff(
        before,
        after,
        key="industry",
        title=_industry,
        labels=MATRIX_LABELS,
        formats=category_names(),
    )


def matrix_record(
    *, before: list[dict], after: list[dict], who: Load, source: str = ""
) -> MatrixChange | None:
    """Record a change of the matrix that took effect, in the caller's transaction; nothing
    when the matrix is the same."""
    if before == after:
        return None
    return load_record(
        table=LoadedTable.MATRIX,
        load=who,
        source=source,
        before=before,
        after=after,
        changes=matrix_change_lines(before, after),
    )


@dataclass
class RecordedChange:
    """What `matrix_change` hands its block: the record, once the block has run (None when
    the matrix did not change)."""

    record: MatrixChange | None = None


@contextmanager
def matrix_change(who: Load, source: str = "") -> Iterator[RecordedChange]:
    """Around any write that may change the matrix (an admin's edit of a unit, an official or
    an industry): in one transaction, object permissions re-synced and the change recorded."""
    with transaction.atomic():
        before = matrix_rows()
        outcome = RecordedChange()
        yield outcome
        permissions_sync()
        outcome.record = matrix_record(before=before, after=matrix_rows(), who=who, source=source)


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    lead_officials: Sequence[str],
    lead_units: Sequence[str],
    responsible_units: Sequence[str],
    who: Load,
) -> MatrixChange | None:
    """The admin's assignment form: give the assignment (shared by the six future industries)
    its officials, lead units and responsible units, by canonical name and in order. The row
    must pass the matrix's rules (ValidationError otherwise); permissions are re-synced and the
    change recorded in the same transaction. Returns the record, or None if nothing changed."""
    check_matrix_row(
        lead_officials=lead_officials, lead_units=lead_units, responsible_units=responsible_units
    )
    assignment_lock(assignment)  # before the matrix is read as it was before the change
    with matrix_change(who) as outcome:
        assignment_set_members(
            assignment=assignment,
            officials=list(Official.objects.filter(name__in=lead_officials)),
            official_order=list(lead_officials),
            lead_units=list(lead_units),
            responsible_units=list(responsible_units),
        )
    return outcome.record


def how(record: MatrixChange) -> str:
    """「后台表单」, 「后台导入：matrix.csv」, 「管理命令：matrix.json」."""
    method = record.get_method_display()
    if record.method == ChangeMethod.FORM or not record.source:
        return str(method)
    return f"{method}：{os.path.basename(record.source)}"


def record_entry(
    record: MatrixChange, industry_name: str | None = None, *, formats: dict | None = None
) -> list[ItemChange]:
    """The industries a record changed (or the one named), with the fields that changed."""
    return [
        item
        for item in matrix_changes(record.before, record.after, formats=formats)
        if item.status != "same" and (industry_name is None or item.key == industry_name)
    ]


@dataclass
class ChangeEntry:
    """A record as a page shows it: when, who, how, and per industry what changed."""

    record: MatrixChange
    how: str
    items: list[ItemChange]

    @property
    def first_load(self) -> bool:
        return not self.record.replaced


def _changes_a_category(record: MatrixChange) -> bool:
    old = {row["industry"]: row.get("category") for row in record.before}
    return any(
        row["industry"] in old and old[row["industry"]] != row.get("category")
        for row in record.after
    )


def change_entries(records, industry_name: str | None = None) -> list[ChangeEntry]:
    """The records (newest first, as given) for a page: all their industries, or the one
    named. A page shows only the fields that changed: the category names are read (once)
    only if some record moved an industry to another category."""
    records = list(records)
    formats = category_names() if any(map(_changes_a_category, records)) else {}
    return [
        ChangeEntry(record, how(record), record_entry(record, industry_name, formats=formats))
        for record in records
    ]


@dataclass
class PreviewField:
    change: FieldChange
    undoes: list[str] = field(default_factory=list)


@dataclass
class PreviewIndustry:
    item: ItemChange
    fields: list[PreviewField]

    @property
    def changed(self) -> bool:
        return self.item.status != "same"


@dataclass
class MatrixPreview:
    """What an import would do to the matrix, industry by industry, and the recorded changes
    it would undo (whenever they were made: an old change undone on purpose counts too)."""

    industries: list[PreviewIndustry]

    @property
    def changed_count(self) -> int:
        return sum(1 for i in self.industries if i.changed)

    @property
    def same_count(self) -> int:
        return len(self.industries) - self.changed_count

    @property
    def undo_count(self) -> int:
        return sum(len(f.undoes) for i in self.industries for f in i.fields)


def matrix_preview(before: list[dict], after: list[dict]) -> MatrixPreview:
    """The matrix before and after an import (read inside the import's dry run)."""
    items = matrix_changes(before, after)
    industries = [PreviewIndustry(item, [PreviewField(f) for f in item.fields]) for item in items]
    _note_undone(industries)
    return MatrixPreview(industries)


def _note_undone(industries: list[PreviewIndustry]) -> None:
    """For each name the import takes away or brings back, the recorded change that brought
    or took it: the newest record touching that name in that field of that industry is the
    one the import undoes (an older one was already superseded), however long ago it was and
    whether or not the file was written before it. A field that is not a list
    (the category) is undone when the record changed it from the file's value to today's."""
    pending: dict[tuple[str, str, object], tuple[PreviewField, str]] = {}
    for industry in industries:
        if industry.item.status != "changed":
            continue
        for preview in industry.fields:
            change = preview.change
            if not change.changed:
                continue
            key = (industry.item.key, change.name)
            if not change.is_list:
                pending[(*key, ("value", change.after, change.before))] = (preview, "changed")
                continue
            for name in change.removed:
                pending[(*key, name)] = (preview, "added")  # a change added it; undone
            for name in change.added:
                pending[(*key, name)] = (preview, "removed")
    if not pending:
        return
    names = sorted({industry for industry, _field, _name in pending})
    records = (
        MatrixChange.objects.filter(
            table=LoadedTable.MATRIX, replaced=True, industries__name__in=names
        )
        .distinct()
        .order_by("-at", "-id")
    )
    formats = category_names()
    for record in records.iterator():
        for item in record_entry(record, formats=formats):
            for change in item.changed_fields:
                touched = {name: "added" for name in change.added}
                touched |= {name: "removed" for name in change.removed}
                if not change.is_list:
                    touched = {("value", change.before, change.after): "changed"}
                for name, what in touched.items():
                    found = pending.pop((item.key, change.name, name), None)
                    if found is None:
                        continue
                    preview, expected = found
                    if what == expected:
                        preview.undoes.append(_undo_note(record, what, name, change))
        if not pending:
            break


def _undo_note(record: MatrixChange, what: str, name, change: FieldChange) -> str:
    at = timezone.localtime(record.at)
    done = (
        f"所作的更改（{change.text()}）"
        if what == "changed"
        else f"{'新增' if what == 'added' else '移除'}的「{name}」"
    )
    return f"撤销 {at:%Y-%m-%d %H:%M} {record.actor_name}（{how(record)}）{done}"
