"""The statistics import, step three: an upload's record, its preview, and applying a checked
file all or nothing, used by the upload page and by `import_statistics` alike.

Rows were checked column by column with pandas (chains.figures.validating), not one by one in
Python; they are written with PostgreSQL's COPY (bulk_create elsewhere), so a 100,000-row file
imports in seconds. Re-importing a month makes a new revision of each figure it changes current and
keeps the old one; the figures it repeats unchanged stay as they were."""

import datetime
import hashlib
import logging
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from chains.choices import ImportKind
from chains.figures import layout as L
from chains.figures.models import ImportStatus, TierStage
from chains.figures.reading import ImportRefused, Plan
from chains.figures.validating import plan_file
from chains.figures.workbook import SpreadsheetError
from chains.models import (
    Enterprise,
    EnterpriseFigure,
    EnterpriseTier,
    FigureImport,
    Indicator,
    IndustryFigure,
)
from chains.quality.services import flags_check_again, flags_drop_vanished, flags_record
from portal.dataversion import data_changed, topics

logger = logging.getLogger(__name__)


def upload_record(*, upload, user) -> FigureImport:
    """Keep the uploaded file (always: it is the record of what was sent)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    record = FigureImport(
        kind="",
        original_name=Path(upload.name).name[-200:],
        sha256=digest.hexdigest(),
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )
    record.file.save(Path(upload.name).name[-80:], File(upload), save=False)
    record.save()
    return record


def preview(record: FigureImport, *, month=None) -> Plan:
    """Plan the stored file and note the outcome on its record (with the month the uploader
    gave, so whoever imports it later imports the same month)."""
    if month:
        record.month = f"{month[0]}-{month[1]:02d}"
    seen = _imports_applied()
    try:
        plan = plan_file(Path(record.file.path), record.original_name, month=month)
        plan.imports_seen = seen
    except SpreadsheetError as exc:
        plan = Plan(kind=record.kind or "")
        plan.error(0, str(exc))
    except Exception:  # a layout we did not foresee must not take the page down
        logger.exception("statistics file %s could not be planned", record.pk)
        plan = Plan(kind=record.kind or "")
        plan.error(0, "无法解析该文件的版式：请使用下载的模板整理后再上传。")
    record.kind = plan.kind or record.kind or ImportKind.INDUSTRY_FIGURES
    _note_counts(record, plan)
    record.errors = plan.messages()
    record.status = ImportStatus.PREVIEW if plan.ok else ImportStatus.REFUSED
    record.changes, record.findings_total = plan.changes, plan.findings_total
    record.save()
    if plan.ok:
        flags_record(record, plan.findings)
    return plan


def _note_counts(record: FigureImport, plan: Plan) -> None:
    """The months and row counts of a plan, noted on its record (not saved)."""
    record.months = [f"{y}-{m:02d}" for y, m in plan.months]
    record.rows_added, record.rows_changed, record.rows_unchanged = (
        plan.added,
        plan.changed,
        plan.unchanged,
    )


REFUSED_FILE_DAYS = 30


def refused_files_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of refused uploads uploaded more than 30 days ago (an upload may be 30 MB;
    counted from the upload, the only time recorded, as the page and README say): the
    record stays, with its name, checksum and errors, marked with when its file was deleted.
    Idempotent: a record already purged, or taken by a concurrent run, is skipped. Returns how
    many files were deleted."""
    now = now or timezone.now()
    due = FigureImport.objects.filter(
        status=ImportStatus.REFUSED,
        file_purged_at__isnull=True,
        uploaded_at__lt=now - datetime.timedelta(days=REFUSED_FILE_DAYS),
    )
    purged = 0
    for pk in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            record = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if record is None:
                continue
            storage, name = record.file.storage, record.file.name
            record.file.name = ""
            record.file_purged_at = now
            record.save(update_fields=["file", "file_purged_at"])
            # Deleted once the mark is committed: a failed commit leaves the file for next time.
            if name:
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        purged += 1
    if purged:
        logger.info("deleted the files of %s refused statistics uploads", purged)
    return purged


class AlreadyImported(Exception):
    pass


class NotPreviewed(Exception):
    """The record is not a preview that passed its checks (it was refused): it cannot be
    imported, whatever its file now holds."""


class NotConfirmed(Exception):
    """The file's checks found figures nobody has confirmed (new ones, when the figures around
    them changed since the preview): they are kept with the upload, to confirm first."""

    def __init__(self, findings):
        super().__init__(f"{len(findings)} findings to confirm")
        self.findings = findings


class FileGone(Exception):
    """The stored file is not there: deleted 30 days after a refused upload, or lost when the
    database was restored without its media folder."""


@transaction.atomic
def apply(record: FigureImport, *, planned: Plan | None = None) -> Plan:
    """Import the stored file all or nothing; its figures become the current revision.
    `planned`: the plan `preview` just made of the record (the command's preview, in the same
    process), used instead of reading the file again when no import was applied since it
    started: the figures it was checked against are still the current ones."""
    record = FigureImport.objects.select_for_update().get(pk=record.pk)
    if record.status == ImportStatus.APPLIED:
        raise AlreadyImported
    # Checked before the file is touched: a refused record's file may have been deleted.
    if record.status != ImportStatus.PREVIEW:
        raise NotPreviewed
    if not record.file or not record.file.storage.exists(record.file.name):
        logger.warning(
            "Stored file missing from the media folder: %s", record.file.name or "(none)"
        )
        raise FileGone
    # One import at a time: two files for the same month must not both become current.
    list(Indicator.objects.select_for_update().values_list("pk", flat=True))
    if planned is not None and _still_current(planned):
        plan = planned
    else:
        try:
            plan = plan_file(Path(record.file.path), record.original_name, month=_month_of(record))
        except SpreadsheetError as exc:
            plan = Plan(kind=record.kind)
            plan.error(0, str(exc))
    if not plan.ok:
        raise ImportRefused(plan)
    confirmed = set(
        record.flags.filter(confirmed_at__isnull=False).values_list("fingerprint", flat=True)
    )
    unconfirmed = [f for f in plan.findings if f.fingerprint not in confirmed]
    if unconfirmed:
        raise NotConfirmed(unconfirmed)
    flags_drop_vanished(record, {f.fingerprint for f in plan.findings})
    if plan.kind == ImportKind.ENTERPRISES:
        _apply_enterprises(plan)
    else:
        _apply_figures(plan, record)

    data_changed(*_topics(plan))
    record.kind = plan.kind
    _note_counts(record, plan)
    record.status, record.applied_at, record.errors = ImportStatus.APPLIED, timezone.now(), []
    record.save()
    return plan


def _imports_applied() -> tuple[int, int | None]:
    """The imports applied (committed) so far: their count and the last one's id."""
    applied = FigureImport.objects.filter(status=ImportStatus.APPLIED).aggregate(
        n=Count("id"), last=Max("id")
    )
    return applied["n"], applied["last"]


def _still_current(plan: Plan) -> bool:
    """No import was applied since the plan was started: read under the imports' lock, the
    committed imports are those the plan was checked against (one committed while it was
    being made counts as one since)."""
    return plan.imports_seen is not None and plan.imports_seen == _imports_applied()


def _topics(plan: Plan) -> list[str]:
    """What an import changes: a month's industry figures (and the growth of the same month a
    year on, computed from them); the key enterprises and their figures."""
    if plan.kind != ImportKind.INDUSTRY_FIGURES:
        return [topics.ENTERPRISES]
    return [topics.figures(y + ahead, m) for y, m in plan.months for ahead in (0, 1)]


def _month_of(record: FigureImport):
    return L.parse_month(record.month) if record.month else None


def _apply_figures(plan: Plan, record: FigureImport) -> None:
    enterprise_file = plan.kind == ImportKind.ENTERPRISE_FIGURES
    model = EnterpriseFigure if enterprise_file else IndustryFigure
    scope = "enterprise_id" if enterprise_file else "industry_id"
    key_columns = [scope, *([] if enterprise_file else ["subsegment_id", "district_id"])]
    records = plan.records
    flags_check_again(record, records, key_columns)
    if "unchanged" in records:
        records = records[~records["unchanged"]]
    columns = [
        *key_columns,
        "indicator_id",
        "year",
        "month",
        "value",
        "yoy",
    ]
    out = records[columns].copy()
    for column in columns:
        if column not in ("value", "yoy"):
            out[column] = pd.to_numeric(out[column]).astype("Int64")
    out["value"] = pd.to_numeric(out["value"]).astype("float64")
    out["yoy"] = pd.to_numeric(out["yoy"]).astype("float64")
    out["source_id"] = record.pk
    out["is_current"] = True
    # Stored in the order of the index by scope and month, the rows go into it side by side
    # instead of all over it: a sixth less work for the database.
    out = out.sort_values([scope, "year", "month", "indicator_id"], kind="stable")
    if connection.vendor == "postgresql":
        _copy(model, out)
    else:
        _bulk_create(model, out)
    if plan.changed:  # the file replaces figures already current
        _supersede(model, record, [c for c in columns if c not in ("value", "yoy")])


def _supersede(model, record: FigureImport, key: list[str]) -> None:
    """The current figures this import replaces, key by key, stop being current: they stay,
    marked with the import that replaced them. The rest stay current. One statement, joining
    the stored rows to the ones just added."""
    table = connection.ops.quote_name(model._meta.db_table)
    same_key = " AND ".join(
        # Optional keys (no sub-segment, the whole city) are NULL: equal when both are.
        f"COALESCE(old.{c}, 0) = COALESCE(new.{c}, 0)"
        if model._meta.get_field(c.removesuffix("_id")).null
        else f"old.{c} = new.{c}"
        for c in key
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS old SET is_current = FALSE, superseded_by_id = %s"
            f" FROM {table} AS new WHERE new.source_id = %s"
            f" AND old.is_current AND old.source_id <> %s AND {same_key}",
            [record.pk] * 3,
        )


class _CsvSlices:
    """The frame as CSV for COPY, formatted a slice at a time as PostgreSQL reads it, so the
    server stores one slice while the next is being formatted (and the whole file is never
    held twice in memory)."""

    def __init__(self, frame: pd.DataFrame, rows: int = 10_000):
        self._slices = (
            _csv(frame.iloc[start : start + rows]) for start in range(0, len(frame), rows)
        )
        self._text, self._at = "", 0

    def read(self, size: int = -1) -> str:
        if self._at >= len(self._text):
            self._text, self._at = next(self._slices, ""), 0
        end = len(self._text) if size < 0 else self._at + size
        piece = self._text[self._at : end]
        self._at += len(piece)
        return piece


def _csv(frame: pd.DataFrame) -> str:
    """Numbers and flags as COPY reads them (NULL as \\N): twice as fast as DataFrame.to_csv,
    which formats column blocks through numpy's string arrays. Floats keep their shortest
    form (repr), as to_csv wrote them."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        values = series.tolist()
        if series.dtype == "float64":
            columns.append([repr(v) if v == v else NULL for v in values])
        elif series.dtype == "bool":
            columns.append(["t" if v else "f" for v in values])
        elif series.dtype == "int64" or (series.dtype == "Int64" and not series.hasnans):
            columns.append(list(map(str, values)))
        else:  # nullable or mixed: each cell on its own
            columns.append(list(map(_cell, values)))
    return "".join(f"{line}\n" for line in map(",".join, zip(*columns, strict=True)))


NULL = "\\N"


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    return repr(value) if isinstance(value, float) else str(value)


def _copy(model, frame: pd.DataFrame) -> None:
    """PostgreSQL's COPY: an order of magnitude faster than INSERTs for large files."""
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            _CsvSlices(frame),
            1 << 18,  # read size; positional, as Django's debug cursor wrapper requires
        )


def _decimal(value, places: int):
    """The number as the file wrote it (the float's shortest form), rounded half away from zero
    as PostgreSQL rounds what COPY gives it: 0.00015 keeps 0.0002 on either path."""
    if value is None or pd.isna(value):
        return None
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _bulk_create(model, frame: pd.DataFrame) -> None:
    """Elsewhere than PostgreSQL: one prepared INSERT run over all rows (executemany)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    marks = ", ".join(["%s"] * len(frame.columns))
    clean = frame.astype(object).where(frame.notna(), None)
    for column in ("value", "yoy"):
        # An object Series keeps None as None (a plain list becomes a string column whose
        # blanks are NaN, which PostgreSQL would store as the number NaN).
        clean[column] = pd.Series(
            [
                None if v is None else str(_decimal(v, 4 if column == "value" else 2))
                for v in clean[column]
            ],
            index=clean.index,
            dtype=object,
        )
    rows = list(clean.itertuples(index=False, name=None))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[start : start + 5000]
            )


def _apply_enterprises(plan: Plan) -> None:
    existing = {e.credit_code: e for e in Enterprise.objects.all()}
    new, changed = [], []
    for record in plan.enterprises:
        fields = {
            k: record[k]
            for k in ("name", "industry_id", "district_id", "subsegment_id", "above_size")
        }
        enterprise = existing.get(record["credit_code"])
        if enterprise is None:
            new.append(Enterprise(credit_code=record["credit_code"], **fields))
        else:
            for key, value in fields.items():
                setattr(enterprise, key, value)
            changed.append(enterprise)
    Enterprise.objects.bulk_create(new, batch_size=1000)
    Enterprise.objects.bulk_update(
        changed,
        ["name", "industry_id", "district_id", "subsegment_id", "above_size"],
        batch_size=1000,
    )
    ids = dict(
        Enterprise.objects.filter(
            credit_code__in=[r["credit_code"] for r in plan.enterprises]
        ).values_list("credit_code", "pk")
    )
    # The file lists the tiers granted; candidates stay unless the file now grants that tier.
    granted = {(ids[r["credit_code"]], tier) for r in plan.enterprises for tier in r["tiers"]}
    promoted = [
        pk
        for pk, enterprise_id, tier in EnterpriseTier.objects.filter(
            enterprise_id__in=ids.values(), stage=TierStage.CANDIDATE
        ).values_list("pk", "enterprise_id", "tier")
        if (enterprise_id, tier) in granted
    ]
    EnterpriseTier.objects.filter(
        Q(enterprise_id__in=ids.values(), stage=TierStage.RECOGNISED) | Q(pk__in=promoted)
    ).delete()
    EnterpriseTier.objects.bulk_create(
        EnterpriseTier(enterprise_id=ids[r["credit_code"]], tier=tier, year=year)
        for r in plan.enterprises
        for tier, year in r["tiers"].items()
    )
