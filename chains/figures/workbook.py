"""Reading an uploaded spreadsheet without trusting it.

Before parsing: the upload's size, the workbook's uncompressed size and compression ratio (a
300 KB xlsx can expand to gigabytes), encryption, the real file type, and every worksheet's real
extent and formula cells, read from its XML before calamine builds a grid (chains.xlsx_guard: a
5 KB file with one value at XFD1048576 would otherwise ask for 512 GB). While reading: merged
cells, and the formula cells found, which pandas would silently read as their last value.
openpyxl, when used, refuses XML bombs because defusedxml is installed; the data itself is read
with the calamine engine pandas uses for xlsx."""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from chains import xlsx_guard

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class SpreadsheetError(Exception):
    """The file cannot be read; the message says why, in Chinese."""


@dataclass
class Table:
    """A sheet as a grid of raw cells (row i is sheet row i + 1), with what pandas hides."""

    frame: pd.DataFrame
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive
    formulas: list[tuple[int, int]] = field(default_factory=list)  # 0-based (row, column)
    # Array formulas fill a range whose other cells have no formula of their own: 0-based,
    # inclusive (first row, first column, last row, last column).
    formula_ranges: list[tuple[int, int, int, int]] = field(default_factory=list)


column_letter = xlsx_guard.column_letter


def too_large(size: int) -> str | None:
    """Why a file of this size is refused (the upload form says it before the file is read)."""
    limit = settings.STATS_MAX_UPLOAD_BYTES
    if size > limit:
        return f"文件大小为 {filesizeformat(size)}，超过了 {filesizeformat(limit)} 的上限。"
    return None


def read_table(path: Path, original_name: str) -> Table:
    path = Path(path)
    size = path.stat().st_size
    problem = too_large(size)
    if problem:
        raise SpreadsheetError(problem)
    if size == 0:
        raise SpreadsheetError("文件是空的。")
    suffix = Path(original_name).suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        if (
            b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e"
            in path.read_bytes()
        ):
            raise SpreadsheetError(
                "工作簿设置了打开密码（已加密），无法读取：请取消密码后另存为 xlsx 再导入。"
            )
        raise SpreadsheetError(
            "这是旧版 Excel（xls）文件：请在 Excel 中“另存为”xlsx 格式后再导入。"
        )
    if suffix == ".csv":
        return _read_csv(path)
    if suffix not in (".xlsx", ".xlsm"):
        raise SpreadsheetError(
            f"不支持的文件类型「{suffix or '无扩展名'}」：请上传 xlsx 或 csv 文件。"
        )
    if not head.startswith(ZIP_MAGIC):
        raise SpreadsheetError("文件不是 Excel 工作簿（xlsx），可能是改了扩展名的其他文件。")
    return _read_xlsx(path, _check_zip(path))


# Shared text a sheet's cells refer to, counted once per cell (calamine copies it into each):
# a real file of 250,000 enterprises × 4 text columns comes to about 20 MB; 2,000,000 cells
# with 40 MB of it read in 460 MB.
SHARED_TEXT_LIMIT = 40 * 1024 * 1024


def _limits() -> xlsx_guard.Limits:
    return xlsx_guard.Limits(
        rows=settings.STATS_MAX_ROWS,
        columns=settings.STATS_MAX_COLUMNS,
        cells=settings.STATS_MAX_CELLS,
        string_bytes=SHARED_TEXT_LIMIT,
    )


def _check_zip(path: Path) -> xlsx_guard.SheetScan:
    """Refuse zip bombs before anything decompresses, then read every worksheet's real extent
    and formulas (chains.xlsx_guard); return what the first sheet, the one imported, holds."""
    limits = _limits()
    try:
        with zipfile.ZipFile(path) as archive:
            xlsx_guard.check_archive(
                archive,
                max_uncompressed=settings.STATS_MAX_UNCOMPRESSED_BYTES,
                max_ratio=settings.STATS_MAX_COMPRESSION_RATIO,
            )
            sheets = xlsx_guard.workbook_sheets(archive)
            strings = xlsx_guard.shared_string_sizes(archive, limits)
            # Parts no sheet points to are scanned too (defence in depth: a reader that took one
            # for a sheet would find nothing unchecked).
            parts = [(s.name, s.member) for s in sheets]
            parts += [(p.filename, p) for p in xlsx_guard.other_parts(archive, sheets)]
            imported = None
            for index, (title, part) in enumerate(parts):
                try:
                    scan = xlsx_guard.scan_sheet(archive, part, limits, strings=strings)
                except xlsx_guard.UnsafeWorkbook as exc:
                    raise SpreadsheetError(xlsx_guard.describe(exc, limits, sheet=title)) from exc
                if index == 0:
                    imported = scan
                elif scan.has_formulas:
                    # Only the first sheet is imported, but which sheet a reader takes first is
                    # the workbook's to say: a formula anywhere is refused, not guessed about.
                    row, col = (scan.formulas or [scan.formula_ranges[0][:2]])[0]
                    raise SpreadsheetError(
                        f"工作表「{title}」的 {column_letter(col)}{row + 1} 等单元格是公式。"
                        "只导入第一个工作表，但工作簿中不能有公式：请把公式“选择性粘贴为数值”，"
                        "或删除该工作表后再导入。"
                    )
            return imported
    except xlsx_guard.UnsafeWorkbook as exc:
        raise SpreadsheetError(str(exc)) from exc
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError("文件已损坏，无法作为 Excel 工作簿打开。") from exc


def _read_xlsx(path: Path, scan: xlsx_guard.SheetScan) -> Table:
    """The calamine engine (the one pandas' read_excel uses), only once the sheet's extent is
    known to be within the limits."""
    frame, merged = _calamine(path)
    return Table(
        frame=frame,
        merged=merged,
        formulas=scan.formulas,
        formula_ranges=scan.formula_ranges,
    )


def _calamine(path: Path) -> tuple[pd.DataFrame, list[tuple[int, int, int, int]]]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except python_calamine.PasswordError as exc:
        raise SpreadsheetError("工作簿设置了密码，无法读取：请取消密码后再导入。") from exc
    except Exception as exc:  # calamine raises several kinds for broken files
        raise SpreadsheetError(f"文件已损坏，无法读取工作表：{exc}") from exc
    limit = settings.STATS_MAX_ROWS
    if sheet.total_height > limit:  # checked before reading too (xlsx_guard); kept as a backstop
        raise SpreadsheetError(
            f"工作表共有 {sheet.total_height:,} 行，超过单次导入上限 {limit:,} 行。如果其中大多是空行，请删除空行后再导入。"
        )
    try:
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise SpreadsheetError(f"文件已损坏，无法读取工作表：{exc}") from exc
    finally:
        workbook.close()
    frame = pd.DataFrame(rows, dtype=object).replace({"": None})
    ranges = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
    return frame, ranges


def _read_csv(path: Path) -> Table:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError("无法识别 CSV 文件的编码：请另存为 UTF-8 编码的 CSV。")
    if "\x00" in text:
        raise SpreadsheetError("文件不是文本格式的 CSV。")
    lines = text.count("\n") + 1
    if lines > settings.STATS_MAX_ROWS:
        raise SpreadsheetError(
            f"文件共有 {lines:,} 行，超过单次导入上限 {settings.STATS_MAX_ROWS:,} 行。"
        )
    try:
        # The csv module, not read_csv: title rows above the header have fewer fields.
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise SpreadsheetError(f"无法读取 CSV 文件：{exc}") from exc
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
    return Table(frame=frame.replace({"": None}))
