"""Reading and writing matrix files: the JSON fixture, and csv/xlsx in the export's columns.

`matrix_load` is the one way a file becomes the matrix: the catalogue (categories, officials,
units, industries) when the file carries one, then the assignments through MatrixResource,
all in one transaction that rolls back on the first error. It fills an empty matrix; replacing
an existing one must be asked for, and is recorded."""

import io
import json
import zipfile
from pathlib import Path

import tablib
from django.conf import settings
from django.db import transaction

from chains import xlsx_guard
from chains.choices import LIST_SEPARATOR, LoadedTable
from chains.loads import Load, LoadReport, load_conclude, upsert
from chains.matrix.history import MATRIX_LABELS, category_names
from chains.matrix.resources import MatrixResource
from chains.matrix.selectors import MATRIX_COLUMNS, matrix_rows, matrix_rows_flat
from chains.matrix.services import industry_upsert
from chains.models import AssignmentOfficial, AssignmentUnit, Category, Industry, Official, Unit
from portal import spreadsheets
from portal.textfiles import decode_text

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "matrix.json"

FORMATS = ("json", "csv", "xlsx")

# A matrix has a few dozen rows. openpyxl reads every <row>, blank or only formatted, and pads
# each to the width <dimension> claims: a file of a million formatted blank rows took 150 s and
# 3.6 GB. These limits are far above any real matrix, unit or official list.
MATRIX_LIMITS = xlsx_guard.Limits(
    rows=2_000,
    columns=50,
    cells=50_000,
    row_elements=2_000,
    sheet_bytes=4 * 1024 * 1024,
    empty_cells=True,
)


class MatrixFileError(Exception):
    """The file cannot be read as a matrix; the message says why, in Chinese."""


class _Rollback(Exception):
    pass


def read_matrix_file(path: Path) -> tuple[dict | None, tablib.Dataset]:
    """The file's catalogue (JSON fixture only) and its matrix rows as a dataset."""
    path = Path(path)
    if not path.is_file():
        raise MatrixFileError(f"找不到文件：{path}")
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise MatrixFileError(f"不支持的文件类型「.{suffix}」：请使用 json、csv 或 xlsx。")
    raw = path.read_bytes()
    if not raw.strip():
        raise MatrixFileError("文件是空的。")
    if suffix == "json":
        return _read_json(raw)
    if suffix == "csv":
        text = decode_csv(raw)
        try:
            dataset = tablib.Dataset().load(text, format="csv")
        except Exception as exc:  # tablib raises many kinds for bad input
            raise MatrixFileError(f"无法读取 CSV 文件：{exc}") from exc
        return None, dataset
    check_xlsx(raw)
    try:
        dataset = tablib.Dataset().load(raw, format="xlsx")
    except Exception as exc:
        raise MatrixFileError(
            "无法读取 Excel 文件：文件已损坏、加密，或不是 xlsx 工作簿。"
        ) from exc
    return None, _drop_blank_rows(dataset)


def decode_csv(raw: bytes) -> str:
    """The one decoding rule for matrix, unit and official CSV files, in `load_matrix` and in the
    admin: Excel on Chinese Windows saves CSV as GB18030; everything else is UTF-8 (maybe with
    a BOM)."""
    try:
        return decode_text(raw)
    except UnicodeDecodeError:
        raise MatrixFileError("无法识别 CSV 文件的编码：请另存为 UTF-8 编码的 CSV。") from None


def check_xlsx(raw: bytes) -> None:
    """Refuse, before openpyxl reads it, an xlsx that would take minutes and gigabytes: the same
    check for `load_matrix` and the admin's imports. Raises MatrixFileError in Chinese."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            xlsx_guard.check_archive(
                archive,
                max_uncompressed=settings.STATS_MAX_UNCOMPRESSED_BYTES,
                max_ratio=settings.STATS_MAX_COMPRESSION_RATIO,
            )
            sheets = xlsx_guard.workbook_sheets(archive)
            parts = [(s.name, s.member) for s in sheets]
            parts += [(p.filename, p) for p in xlsx_guard.other_parts(archive, sheets)]
            for title, part in parts:
                try:
                    scan = xlsx_guard.scan_sheet(archive, part, MATRIX_LIMITS, exact=True)
                    xlsx_guard.check_claim(scan, MATRIX_LIMITS)
                except xlsx_guard.UnsafeWorkbook as exc:
                    reason = xlsx_guard.describe(exc, MATRIX_LIMITS, sheet=title)
                    raise MatrixFileError(f"{reason}（矩阵文件通常只有几十行。）") from exc
    except xlsx_guard.UnsafeWorkbook as exc:
        raise MatrixFileError(str(exc)) from exc
    except zipfile.BadZipFile as exc:
        raise MatrixFileError(
            "无法读取 Excel 文件：文件已损坏、加密，或不是 xlsx 工作簿。"
        ) from exc


def _read_json(raw: bytes) -> tuple[dict | None, tablib.Dataset]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MatrixFileError(f"无法读取 JSON 文件：{exc}") from exc
    catalog = None
    if isinstance(data, dict):
        catalog, data = data, data.get("industries")
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise MatrixFileError("JSON 文件应为产业行的列表，或含 industries 列表的基础数据文件。")
    # Only the columns the rows carry: a missing one is then reported like in a spreadsheet.
    present = [c for c in MATRIX_COLUMNS if any(c in row for row in data)]
    dataset = tablib.Dataset(headers=present)
    for row in data:
        dataset.append([_cell(row.get(c)) for c in present])
    return catalog, dataset


def _cell(value):
    return LIST_SEPARATOR.join(value) if isinstance(value, list) else value


def _drop_blank_rows(dataset: tablib.Dataset) -> tablib.Dataset:
    blank = [i for i, row in enumerate(dataset) if all(v in (None, "") for v in row)]
    for i in reversed(blank):
        del dataset[i]
    return dataset


def load_catalog(catalog: dict, report: LoadReport) -> None:
    """Categories, officials, units and industries by natural key, in the file's order."""
    try:
        for pos, c in enumerate(catalog.get("categories", [])):
            report.add(
                upsert(
                    Category,
                    {"code": c["code"]},
                    {"name": c["name"], "name_en": c.get("name_en", ""), "position": pos},
                )
            )
        for pos, o in enumerate(catalog.get("officials", [])):
            report.add(
                upsert(
                    Official,
                    {"name": o["name"]},
                    {"code": o["code"], "name_en": o.get("name_en", ""), "position": pos},
                )
            )
        for pos, u in enumerate(catalog.get("units", [])):
            report.add(
                upsert(
                    Unit,
                    {"name": u["name"]},
                    {
                        "code": u["code"],
                        "name_en": u.get("name_en", ""),
                        "kind": u["kind"],
                        "position": pos,
                    },
                )
            )
        categories = {c.code: c for c in Category.objects.all()}
        for pos, i in enumerate(catalog.get("industries", [])):
            category = categories.get(i.get("category"))
            if category is None:
                raise MatrixFileError(
                    f"产业「{i.get('industry')}」的类别「{i.get('category')}」不存在。"
                )
            report.add(
                industry_upsert(
                    code=i["code"],
                    name=i["industry"],
                    name_en=i.get("industry_en", ""),
                    category=category,
                    position=pos,
                )
            )
    except KeyError as exc:
        raise MatrixFileError(f"基础数据文件缺少字段：{exc.args[0]}") from exc


def matrix_is_loaded() -> bool:
    """Whether anyone leads or is responsible for anything yet (false on a first boot)."""
    return AssignmentUnit.objects.exists() or AssignmentOfficial.objects.exists()


def matrix_load(path: Path | str = DEFAULT_FIXTURE, *, load: Load | None = None) -> LoadReport:
    """Load a matrix file all or nothing. Raises MatrixFileError for an unreadable file;
    returns a report whose `errors` list every bad row (and then nothing was changed).

    Only an empty matrix is loaded unless `load.replace`: the matrix is the administrators'
    once it exists (a new lead official after a reshuffle must survive a restart). A load
    that changes the matrix is recorded (MatrixChange) in the same transaction, with the
    matrix before and after; `changes` says what changed, industry by industry."""
    load = load or Load()
    loaded = matrix_is_loaded()
    if loaded and not (load.replace or load.dry_run):
        return LoadReport(already_loaded=True, existing=Industry.objects.count())
    catalog, dataset = read_matrix_file(Path(path))
    report = LoadReport(existing=Industry.objects.count() if loaded else 0)
    try:
        with transaction.atomic():
            before = matrix_rows() if report.existing else []
            if catalog is not None:
                load_catalog(catalog, report)
            result = MatrixResource().import_data(
                dataset,
                dry_run=False,
                use_transactions=True,
                rollback_on_validation_errors=True,
                # csv and xlsx exports quote text a spreadsheet would run as a formula; the
                # JSON export writes it as it is.
                escaped=Path(path).suffix.lower() != ".json",
            )
            report.errors = describe_errors(result)
            report.updated += result.totals["update"]
            report.created += result.totals["new"]
            report.unchanged += result.totals["skip"]
            if report.errors:
                raise _Rollback
            after = matrix_rows()
            if load_conclude(
                report,
                load,
                table=LoadedTable.MATRIX,
                source=path,
                before=before,
                after=after,
                key="industry",
                title=lambda row: row["industry"],
                labels=MATRIX_LABELS,
                formats=category_names(),
                changed=bool(report.changed),
            ):
                raise _Rollback
    except _Rollback:
        pass
    return report


def describe_errors(result) -> list[str]:
    """Row-level messages, numbered as the rows appear in a spreadsheet (header is row 1: the
    resources number them so, see resources.SpreadsheetRowsResult)."""
    messages = [f"文件错误：{e.error}" for e in result.base_errors]
    for line in result.invalid_rows:
        for field_name, errors in line.error_dict.items():
            label = _column_for(field_name)
            for error in errors:
                messages.append(f"第 {line.number} 行 {label}：{_text(error)}")
    for number, errors in result.row_errors():
        for error in errors:
            messages.append(f"第 {number} 行：{error.error}")
    return messages


def _column_for(field_name: str) -> str:
    return {"name": "industry", "category": "category"}.get(field_name, field_name)


def _text(error) -> str:
    if hasattr(error, "messages"):
        return "；".join(error.messages)
    return str(error)


def matrix_export(fmt: str) -> bytes:
    """The matrix in the export's columns: JSON lists, or csv/xlsx joined with "、", each cell
    made safe for a spreadsheet (portal.spreadsheets)."""
    if fmt == "json":
        return (json.dumps(matrix_rows(), ensure_ascii=False, indent=2) + "\n").encode()
    if fmt not in FORMATS:
        raise MatrixFileError(f"不支持的导出格式：{fmt}")
    rows = matrix_rows_flat()
    dataset = tablib.Dataset(headers=list(MATRIX_COLUMNS))
    for row in rows:
        dataset.append(spreadsheets.cells(row[c] for c in MATRIX_COLUMNS))
    data = dataset.export(fmt)
    return data.encode("utf-8-sig") if isinstance(data, str) else data
