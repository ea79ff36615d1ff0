"""Reading an uploaded spreadsheet without trusting it.

Before parsing: the upload's size, the workbook's uncompressed size and compression ratio (a
300 KB xlsx can expand to gigabytes), encryption, and the real file type. While reading: the
sheet's height, merged cells and formula cells, which pandas would silently read as blanks.
openpyxl, when used, refuses XML bombs because defusedxml is installed; the data itself is read
with the calamine engine pandas uses for xlsx."""

import csv
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine
from django.conf import settings
from django.template.defaultfilters import filesizeformat

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
FORMULA_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)([0-9]+)"[^>/]*>\s*<f\b')


class SpreadsheetError(Exception):
    """The file cannot be read; the message says why, in Chinese."""


@dataclass
class Table:
    """A sheet as a grid of raw cells (row i is sheet row i + 1), with what pandas hides."""

    frame: pd.DataFrame
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive
    formulas: list[tuple[int, int]] = field(default_factory=list)  # 0-based (row, column)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters.decode():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


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
    sheet_xml = _check_zip(path)
    return _read_xlsx(path, sheet_xml)


def _check_zip(path: Path) -> str:
    """Refuse zip bombs before anything decompresses; return the first sheet's XML path."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            compressed = sum(m.compress_size for m in members) or 1
            if (
                total > settings.STATS_MAX_UNCOMPRESSED_BYTES
                or total / compressed > settings.STATS_MAX_COMPRESSION_RATIO
            ):
                raise SpreadsheetError(
                    f"工作簿解压后有 {filesizeformat(total)}（压缩比 {total // compressed}:1），超过安全上限，"
                    "可能是“压缩炸弹”，未予读取。"
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as part:
                        head = part.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise SpreadsheetError(
                            "工作簿含有 XML 实体定义（可能是“XML 炸弹”），未予读取。请在 Excel 中另存为新文件后再导入。"
                        )
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names:
                raise SpreadsheetError("文件已损坏或不是 Excel 工作簿：缺少工作簿内容。")
            sheets = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not sheets:
                raise SpreadsheetError("工作簿中没有工作表。")
            return min(sheets, key=lambda n: int(re.search(r"(\d+)", n.rsplit("/", 1)[1]).group(1)))
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError("文件已损坏，无法作为 Excel 工作簿打开。") from exc


def _formulas(path: Path, sheet_xml: str) -> list[tuple[int, int]]:
    """The formula cells of the sheet, which calamine reads as their last computed value."""
    with zipfile.ZipFile(path) as archive, archive.open(sheet_xml) as xml:
        content = xml.read()
    # Most files have no formula at all: a plain search says so far faster than the pattern.
    found = FORMULA_CELL.findall(content) if b"<f" in content else []
    return [(int(row) - 1, _column_index(col)) for col, row in found]


def _read_xlsx(path: Path, sheet_xml: str) -> Table:
    """One pass of the calamine engine (the one pandas' read_excel uses): the sheet's height is
    checked before its cells are turned into Python values. The formula cells are looked for
    meanwhile, in a second thread (calamine lets go of the GIL while it parses)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        formulas = pool.submit(_formulas, path, sheet_xml)
        frame, merged = _calamine(path)
        return Table(frame=frame, merged=merged, formulas=formulas.result())


def _calamine(path: Path) -> tuple[pd.DataFrame, list[tuple[int, int, int, int]]]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except python_calamine.PasswordError as exc:
        raise SpreadsheetError("工作簿设置了密码，无法读取：请取消密码后再导入。") from exc
    except Exception as exc:  # calamine raises several kinds for broken files
        raise SpreadsheetError(f"文件已损坏，无法读取工作表：{exc}") from exc
    limit = settings.STATS_MAX_ROWS
    if sheet.total_height > limit:
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
