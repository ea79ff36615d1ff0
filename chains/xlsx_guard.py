"""An xlsx file checked before any spreadsheet library builds it in memory.

calamine and openpyxl size their grids from the cell references they find: a single value at
XFD1048576 makes calamine ask for 512 GB, and openpyxl pads every row to the width the
<dimension> element claims. So the archive is checked first (zip bomb, duplicate or XML-entity
parts, encodings, member names read one way by every reader), then every sheet is resolved as
the readers resolve it (only ordinary worksheets are accepted), then every worksheet part's real
extent is read from its cells — the <dimension> element is only a claim, never trusted to allow
anything — together with every formula cell, whatever the XML spelling.

Reading is cheap for the files people send: a plain byte scan of the sheet (regular expressions
over a few MB at a time) proves that every cell is written the ordinary way (`<c r="B7" …>`),
within the extent found, and that there is no formula. Anything else — a formula, a cell without
its reference, a namespace prefix, another encoding — is read exactly by a streaming XML parser
that follows calamine's own rules (elements matched by local name, positions implied by the
previous cell when a reference is missing, empty cells not counted)."""

import re
import struct
import xml.parsers.expat
import zipfile
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat

CHUNK = 4 << 20
WORKSHEETS = "xl/worksheets/"


class UnsafeWorkbook(Exception):
    """The workbook is refused before it is read; the message says why, in Chinese."""


@dataclass(frozen=True)
class Limits:
    rows: int
    columns: int
    cells: int  # rows × columns of the grid a reader builds from A1
    row_elements: int | None = None  # every <row>, empty or not (openpyxl reads them all)
    sheet_bytes: int | None = None  # uncompressed size of one worksheet part
    # Text of shared strings, counted once per cell that refers to it: a reader copies a shared
    # string into every such cell (one 32,000-character string in 100,000 cells is 9.6 GB).
    string_bytes: int | None = None
    # openpyxl pads every row to its last cell, empty or not: for it, every <c r="…"> counts.
    empty_cells: bool = False


@dataclass
class SheetScan:
    """What a worksheet part really holds. Rows and columns count from A1 to the last cell
    with content (a value, an inline string or a formula); formulas are 0-based positions."""

    part: str
    rows: int = 0
    columns: int = 0
    row_elements: int = 0  # rows a reader builds: every <row>, and the gaps it fills up to r=
    claimed: tuple[int, int] | None = None  # what <dimension> says: (rows, columns)
    formulas: list[tuple[int, int]] = field(default_factory=list)
    # Array and data-table formulas fill a range whose other cells carry no <f> of their own.
    formula_ranges: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def has_formulas(self) -> bool:
        return bool(self.formulas or self.formula_ranges)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


REF = re.compile(r"([A-Za-z]*)([0-9]+)")


def parse_ref(ref: str, *, column_needed: bool = True) -> tuple[int, int | None]:
    """A cell reference as calamine reads it: letters of either case, then digits; 0-based."""
    match = REF.fullmatch(ref.strip() if ref else "")
    if not match or int(match.group(2)) == 0 or (column_needed and not match.group(1)):
        raise ValueError(ref)
    column = None
    if match.group(1):
        column = 0
        for ch in match.group(1).upper():
            column = column * 26 + ord(ch) - 64
        column -= 1
    return int(match.group(2)) - 1, column


def parse_range(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    r1, c1 = parse_ref(first)
    r2, c2 = parse_ref(last) if last else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


# --- the archive ---------------------------------------------------------------------------------


def check_archive(archive: zipfile.ZipFile, *, max_uncompressed: int, max_ratio: int) -> None:
    """Refuse zip bombs, parts that could be read two ways, XML entities and odd encodings,
    before anything is decompressed in full."""
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    compressed = sum(m.compress_size for m in members) or 1
    if total > max_uncompressed or total / compressed > max_ratio:
        raise UnsafeWorkbook(
            f"工作簿解压后有 {filesizeformat(total)}（压缩比 {total // compressed}:1），超过安全上限，"
            "可能是“压缩炸弹”，未予读取。"
        )
    # calamine finds a part by its name in any case, Python by the exact name: two parts whose
    # names differ only in case (or repeat) could be read as one file here and another there.
    names = [m.filename.lower() for m in members]
    if len(set(names)) != len(names):
        raise UnsafeWorkbook("文件已损坏：工作簿中有重名的部件，未予读取。")
    for member in members:
        _one_name(archive, member)
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")):
            with archive.open(member) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnsafeWorkbook(
                    "工作簿含有 XML 实体定义（可能是“XML 炸弹”），未予读取。请在 Excel 中另存为新文件后再导入。"
                )
            if not _utf8(head):
                raise UnsafeWorkbook(
                    "工作簿的内部编码不是 UTF-8（Excel 保存的文件都是），未予读取。请在 Excel 中另存为新文件后再导入。"
                )


UNICODE_PATH = 0x7075  # Info-ZIP Unicode Path extra field
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … name length, extra length


def _one_name(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """A member's name must be the same for every reader: Python's zipfile ignores an Info-ZIP
    Unicode Path field (0x7075), calamine's zip library takes the member's name from it, so a
    part could be a harmless image here and the worksheet calamine reads; and a local header's
    name that differs from the directory's is read one way or the other."""
    unsafe = UnsafeWorkbook("文件已损坏：工作簿中有部件的名称前后不一致，未予读取。")
    if _has_unicode_path(member.extra):
        raise unsafe
    fp = archive.fp
    if fp is None:
        return
    fp.seek(member.header_offset)
    header = fp.read(LOCAL_HEADER.size)
    if len(header) < LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise unsafe
    name_size, extra_size = LOCAL_HEADER.unpack(header)[1:]
    name, extra = fp.read(name_size), fp.read(extra_size)
    encoding = "utf-8" if member.flag_bits & 0x800 else "cp437"
    if name.decode(encoding, "replace") != member.orig_filename or _has_unicode_path(extra):
        raise unsafe


def _has_unicode_path(extra: bytes) -> bool:
    """Walk the extra field's records (header id, size, data); a truncated one counts too."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        if kind == UNICODE_PATH:
            return True
        at += 4 + size
    return False


ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")


def _utf8(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        return False
    declared = ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    return declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")


@dataclass(frozen=True)
class Sheet:
    name: str
    member: zipfile.ZipInfo


# The relationship types of an ordinary worksheet (transitional and strict OOXML).
WORKSHEET_TYPES = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet",
}


def workbook_sheets(archive: zipfile.ZipFile) -> list[Sheet]:
    """Every sheet of xl/workbook.xml, in the workbook's order (the first is the one imported),
    with the part it reads. calamine and openpyxl read whatever part the relationship points to
    (a chart sheet, a macro sheet, any path at all): each is resolved here as they resolve it
    (relative to xl/, or from the root when it starts with '/'), and the file is refused unless
    every sheet is an ordinary worksheet part under xl/worksheets/ — so no sheet is read that
    was not checked."""
    members = {m.filename.lower(): m for m in archive.infolist() if not m.is_dir()}
    book, rels = members.get("xl/workbook.xml"), members.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        raise UnsafeWorkbook("文件已损坏或不是 Excel 工作簿：缺少工作簿内容。")
    relationships: dict[str, list[tuple[str, str]]] = {}

    def relationship(name, attrs):
        if name.rpartition(":")[2] == "Relationship" and "Id" in attrs:
            found = (attrs.get("Target", ""), attrs.get("Type", ""))
            relationships.setdefault(attrs["Id"], []).append(found)

    _stream_parse(archive, rels, "工作簿关系", relationship, lambda name: None)
    sheets: list[Sheet] = []

    def sheet(name, attrs):
        if name.rpartition(":")[2] != "sheet":
            return
        title = attrs.get("name", "")
        # calamine takes r:id or relationships:id, openpyxl the id in the relationships'
        # namespace under any prefix: every id must lead to a worksheet.
        ids = [v for k, v in attrs.items() if k.rpartition(":")[2] == "id" and ":" in k]
        found = [r for rid in ids for r in relationships.get(rid, [])]
        if not found:
            raise UnsafeWorkbook(f"文件已损坏：找不到工作表「{title}」的内容，未予读取。")
        parts = set()
        for target, kind in found:
            path = _resolve(target)
            member = members.get(path) if path and path.startswith(WORKSHEETS) else None
            if member is None or kind not in WORKSHEET_TYPES:
                raise UnsafeWorkbook(
                    f"工作表「{title}」不是普通工作表（图表工作表、宏表、对话框或位置异常的工作表），"
                    "未予读取。请删除该工作表，或把内容复制到普通工作表后另存再导入。"
                )
            parts.add(member.filename)
        if len(parts) > 1:
            raise UnsafeWorkbook(f"文件已损坏：工作表「{title}」指向多个部件，未予读取。")
        sheets.append(Sheet(title, member))

    _stream_parse(archive, book, "工作簿", sheet, lambda name: None)
    if not sheets:
        raise UnsafeWorkbook("工作簿中没有工作表。")
    return sheets


def _resolve(target: str) -> str | None:
    """A relationship's target as a part name (lower case), or None when the two readers could
    take it for different parts (`..`, backslashes, an "xl/" that only calamine drops)."""
    relative = target.removeprefix("/")
    segments = relative.split("/")
    if "\\" in target or any(s in ("", ".", "..") for s in segments):
        return None
    if target.startswith("/"):
        return relative.lower()
    if relative.lower().startswith("xl/"):
        return None
    return f"xl/{relative}".lower()


# Parts that are never read as a sheet (charts hold <c:f> references of their own); every other
# .xml part is scanned like a worksheet as well, in case some reader takes it for one.
NOT_SHEETS = (
    "[content_types].xml",
    "xl/workbook.xml",
    "xl/styles.xml",
    "xl/sharedstrings.xml",
    "xl/calcchain.xml",
    "docprops/",
    "customxml/",
    "xl/theme/",
    "xl/charts/",
    "xl/drawings/",
    "xl/pivotcache/",
    "xl/pivottables/",
    "xl/externallinks/",
    "xl/tables/",
    "xl/querytables/",
    "xl/slicers/",
    "xl/slicercaches/",
    "xl/timelines/",
    "xl/timelinecaches/",
    "xl/richdata/",
    "xl/threadedcomments/",
    "xl/persons/",
    "xl/comments",
)


def other_parts(archive: zipfile.ZipFile, sheets: list[Sheet]) -> list[zipfile.ZipInfo]:
    """The .xml parts that are neither a sheet of the workbook nor a known other kind of part."""
    taken = {s.member.filename for s in sheets}
    return [
        m
        for m in archive.infolist()
        if m.filename.lower().endswith(".xml")
        and m.filename not in taken
        and not m.filename.lower().startswith(NOT_SHEETS)
    ]


# --- one worksheet -------------------------------------------------------------------------------


def scan_sheet(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    limits: Limits,
    *,
    exact: bool = False,
    strings: list[int] | None = None,
) -> SheetScan:
    """The sheet's real extent and formulas. Raises UnsafeWorkbook as soon as a limit is passed
    (the parse stops there), or when the XML cannot be read. `strings`: the sizes of the shared
    strings (shared_string_sizes), to check limits.string_bytes."""
    scan = _scan_extent(archive, member, limits, exact=exact)
    if strings and limits.string_bytes is not None:
        # Cheap bound first: every cell of the grid the longest string. Only when that could be
        # too much are the cells' references to shared strings added up.
        if scan.rows * scan.columns * max(strings) > limits.string_bytes:
            _check_strings(archive, member, strings, limits, scan)
    return scan


def _scan_extent(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits, *, exact: bool
) -> SheetScan:
    if limits.sheet_bytes is not None and member.file_size > limits.sheet_bytes:
        raise _Beyond("bytes", member.file_size)
    # The quick path does not count <row> elements; and its bounds include empty cells, so
    # beyond a limit the exact parse decides, not the bound.
    if not exact and limits.row_elements is None:
        scan = _quick_scan(archive, member)
        if scan is not None:
            try:
                _check(scan, limits)
            except _Beyond:
                pass
            else:
                return scan
    scan = _exact_scan(archive, member, limits)
    _check(scan, limits)
    return scan


class _Beyond(UnsafeWorkbook):
    """A limit passed; the caller words the message for its own kind of file."""

    def __init__(self, what: str, found: int, scan: SheetScan | None = None):
        super().__init__(what)
        self.what, self.found, self.scan = what, found, scan


def _check(scan: SheetScan, limits: Limits) -> None:
    if scan.rows > limits.rows:
        raise _Beyond("rows", scan.rows, scan)
    if scan.columns > limits.columns:
        raise _Beyond("columns", scan.columns, scan)
    if scan.rows * scan.columns > limits.cells:
        raise _Beyond("cells", scan.rows * scan.columns, scan)
    if limits.row_elements is not None and scan.row_elements > limits.row_elements:
        raise _Beyond("row_elements", scan.row_elements, scan)


def describe(error: UnsafeWorkbook, limits: Limits, *, sheet: str = "") -> str:
    """The Chinese reason for a passed limit (other refusals carry their own message)."""
    if not isinstance(error, _Beyond):
        return str(error)
    where = f"工作表「{sheet}」" if sheet else "工作表"
    found = error.found
    # The exact parse stops at the first cell past a limit: the sizes are "at least".
    if error.what == "rows":
        return (
            f"{where}至少有 {found:,} 行，超过单次导入上限 {limits.rows:,} 行。"
            "如果其中大多是空行，请删除空行后再导入。"
        )
    if error.what == "columns":
        return (
            f"{where}有内容的单元格至少延伸到第 {found:,} 列（{column_letter(found - 1)} 列），"
            f"超过 {limits.columns:,} 列的上限。请删除表格右侧多余的内容后再导入。"
        )
    if error.what == "cells":
        scan = error.scan
        return (
            f"{where}的数据区从 A1 至少延伸到 {column_letter(scan.columns - 1)}{scan.rows}，"
            f"共 {found:,} 个单元格，超过 {limits.cells:,} 个的上限。"
            "请删除多余的行列，或分成几个文件导入。"
        )
    if error.what == "strings":
        return (
            f"{where}的单元格引用的共享文本合计至少 {filesizeformat(found)}"
            f"（同一段文本被大量单元格重复引用），超过 {filesizeformat(limits.string_bytes)} 的上限，"
            "未予读取。请删除重复的长文本后再导入。"
        )
    if error.what == "row_elements":
        return (
            f"{where}共有 {found:,} 行（含空行和只设了格式的行），超过上限 {limits.row_elements:,} 行。"
            "请删除多余的空行后再导入。"
        )
    if error.what == "bytes":
        return (
            f"{where}解压后有 {filesizeformat(found)}，超过 {filesizeformat(limits.sheet_bytes)} 的上限"
            "（通常是大量空行或格式）。请删除多余的行后另存再导入。"
        )
    if error.what == "claimed":
        return (
            f"{where}声明的区域（<dimension>）为 {found:,} 行 × {error.scan.claimed[1]:,} 列，"
            "超过上限，读取时会按这个区域补齐空单元格。请在 Excel 中删除多余的行列后另存再导入。"
        )
    return str(error)


def check_claim(scan: SheetScan, limits: Limits) -> None:
    """openpyxl pads each row to the width <dimension> claims: for readers that trust the claim,
    a claim beyond the limits is refused too."""
    if scan.claimed is None:
        return
    rows, columns = scan.claimed
    if rows > limits.rows or columns > limits.columns or rows * columns > limits.cells:
        raise _Beyond("claimed", rows, scan)


# The quick path: ordinary spelling only. Every cell start tag must be `<c r="REF"` within the
# bounds found so far, or an empty `<c …/>`; no <f> element, no namespace prefix on c or f.
FORMULA_TAG = re.compile(rb"<f[\s/>]")
PREFIXED = re.compile(rb":(?:c|f|row)[\s/>]")
LAST_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
SELF_CLOSING = rb"""(?:\s+[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/>"""
DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")


def _upto(n: int, digits: bool) -> bytes:
    """A pattern for the references' row numbers (or column letters) from 1 to n."""
    if digits:
        text, first, low, high = str(n), "1", "0", "9"
    else:
        text, first, low, high = column_letter(n - 1), "A", "A", "Z"
    size = len(text)
    parts = []
    if size > 1:
        parts.append(f"[{first}-{high}][{low}-{high}]{{0,{size - 2}}}")
    for i, ch in enumerate(text):
        floor = first if i == 0 else low
        if ch > floor:
            parts.append(f"{text[:i]}[{floor}-{chr(ord(ch) - 1)}][{low}-{high}]{{{size - i - 1}}}")
    parts.append(text)
    return "|".join(parts).encode()


def _bad_cell(rows: int, columns: int) -> re.Pattern:
    return re.compile(
        rb'<c(?=[\s>/])(?! r="(?:'
        + _upto(max(columns, 1), digits=False)
        + rb")(?:"
        + _upto(max(rows, 1), digits=True)
        + rb')")(?!'
        + SELF_CLOSING
        + rb")"
    )


def _widest(letters: list[bytes]) -> int:
    """The widest of these column letters, as a 1-based column number."""
    return max((parse_ref(c.decode() + "1")[1] + 1 for c in set(letters)), default=0)


def _chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo):
    """The part in pieces cut just after a '>', so no tag the quick path looks at is split; None
    (and no more) when 16 MB pass without one: cut anywhere, a tag split in two would be
    invisible to the byte scan, so the exact parse must decide."""
    with archive.open(member) as stream:
        rest = b""
        while True:
            block = stream.read(CHUNK)
            if not block:
                if rest:
                    yield rest
                return
            data = rest + block
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) < 4 * CHUNK:
                rest = data
                continue
            if cut == 0:
                yield None
                return
            yield data[:cut]
            rest = data[cut:]


def _quick_scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> SheetScan | None:
    """The scan for ordinary files, or None when the exact parse must decide."""
    scan = SheetScan(part=member.filename)
    rows = columns = 0  # bounds (1-based) every content cell so far lies within
    first = True
    for chunk in _chunks(archive, member):
        if chunk is None:
            return None
        if first:
            first = False
            if not _utf8(chunk[:4096]):
                return None
            claimed = DIMENSION.search(chunk)
            if claimed:
                try:
                    r2, c2 = parse_range(claimed.group(1).decode("ascii", "replace"))[2:]
                    scan.claimed = (r2 + 1, c2 + 1)
                except ValueError:
                    return None
        if FORMULA_TAG.search(chunk) or PREFIXED.search(chunk):
            return None
        last = chunk.rfind(b'<c r="')
        if last < 0:
            if _bad_cell(1, 1).search(chunk):
                return None
            continue
        found = LAST_REF.match(chunk, last)
        if found is None:
            return None
        # Rows come in order: the chunk's last reference bounds the rows before it. Columns: the
        # widest so far (a header may be narrower than the data: the chunk's first cells are
        # looked at too). A cell beyond either sends the chunk to a full count below.
        rows = max(rows, int(found.group(2)))
        columns = max(
            columns, _widest(COLUMN.findall(chunk, 0, 1 << 16)), _widest([found.group(1)])
        )
        if _bad_cell(rows, columns).search(chunk):
            columns = max(columns, _widest(COLUMN.findall(chunk)))
            rows = max(rows, max(map(int, ROW.findall(chunk)), default=0))
            if _bad_cell(rows, columns).search(chunk):
                return None
    # Bounds from references include empty cells (`<c r="Z9"></c>`): an upper bound.
    scan.rows, scan.columns = rows, columns
    return scan


class _Parser:
    """The exact reading: calamine's rules, followed on expat events."""

    def __init__(self, scan: SheetScan, limits: Limits):
        self.scan, self.limits = scan, limits
        self.row = self.col = 0  # calamine's row_index and col_index
        self.cell: tuple[int, int] | None = None
        self.counted = False

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        scan = self.scan
        if self.cell is not None:
            if not self.counted:
                self.counted = True
                row, col = self.cell
                scan.rows = max(scan.rows, row + 1)
                scan.columns = max(scan.columns, col + 1)
                _check(scan, self.limits)
            if local == "f":
                scan.formulas.append(self.cell)
                if attrs.get("t") in ("array", "dataTable") and attrs.get("ref"):
                    try:
                        r1, c1, r2, c2 = parse_range(attrs["ref"])
                    except ValueError:
                        return
                    scan.formula_ranges.append((r1, c1, r2, c2))
            if local != "c":
                return
        if local == "row":
            if "r" in attrs:
                self.row = self._ref(attrs["r"], column=False)[0]
            # openpyxl fills every missing row up to r: `<row r="1048576"/>` is a million rows.
            scan.row_elements = max(scan.row_elements + 1, self.row + 1)
            if self.limits.row_elements is not None:
                _check(scan, self.limits)
        elif local == "c":
            if "r" in attrs:
                row, col = self._ref(attrs["r"], column=True)
                self.col = col
                self.cell = (row, col)
            else:
                self.cell = (self.row, self.col)
            self.counted = False
            if self.limits.empty_cells:
                row, col = self.cell
                scan.rows = max(scan.rows, row + 1)
                scan.columns = max(scan.columns, col + 1)
                _check(scan, self.limits)
        elif local == "dimension" and "ref" in attrs:
            # Another <dimension> (even nested) may be the one a reader keeps: the largest claim.
            try:
                claim = tuple(n + 1 for n in parse_range(attrs["ref"])[2:])
            except ValueError:
                return
            old = scan.claimed or (0, 0)
            scan.claimed = (max(old[0], claim[0]), max(old[1], claim[1]))

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            self.cell = None
            self.col += 1
        elif local == "row":
            self.row += 1
            self.col = 0

    def _ref(self, value: str, *, column: bool) -> tuple[int, int]:
        try:
            return parse_ref(value, column_needed=column)
        except ValueError:
            raise UnsafeWorkbook(
                f"文件已损坏：工作表中有无效的单元格地址「{value[:20]}」。"
            ) from None


def _refuse_doctype(*args) -> None:
    raise UnsafeWorkbook(
        "工作簿含有 XML 实体定义（可能是“XML 炸弹”），未予读取。请在 Excel 中另存为新文件后再导入。"
    )


def _exact_scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> SheetScan:
    scan = SheetScan(part=member.filename)
    reader = _Parser(scan, limits)
    _stream_parse(archive, member, "工作表", reader.start, reader.end)
    return scan


# --- shared strings ------------------------------------------------------------------------------


def shared_string_sizes(archive: zipfile.ZipFile, limits: Limits) -> list[int] | None:
    """The size in UTF-8 bytes of each shared string (phonetic runs included: an upper bound),
    or None when there are none or they cannot matter (the whole part is small enough)."""
    if limits.string_bytes is None:
        return None
    part = next(
        (m for m in archive.infolist() if m.filename.lower() == "xl/sharedstrings.xml"), None
    )
    if part is None or part.file_size == 0:
        return None
    sizes: list[int] = []
    depth = [0]  # inside an <si>

    def start(name, attrs):
        if name.rpartition(":")[2] == "si":
            sizes.append(0)
            depth[0] += 1

    def end(name):
        if name.rpartition(":")[2] == "si":
            depth[0] -= 1

    def text(data):
        if depth[0] > 0:
            sizes[-1] += len(data.encode())

    _stream_parse(archive, part, "共享文本", start, end, text)
    return sizes or None


def _check_strings(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    strings: list[int],
    limits: Limits,
    scan: SheetScan,
) -> None:
    """Add up the shared strings the cells refer to (t="s"), stopping past the limit."""
    total = [0]
    cell = {"shared": False, "in_v": False, "index": []}

    def start(name, attrs):
        local = name.rpartition(":")[2]
        if local == "c":
            cell["shared"] = attrs.get("t") == "s"
        elif local == "v" and cell["shared"]:
            cell["in_v"], cell["index"] = True, []

    def end(name):
        if name.rpartition(":")[2] == "v" and cell["in_v"]:
            cell["in_v"] = False
            index = "".join(cell["index"]).strip()
            if index.isdigit() and int(index) < len(strings):
                total[0] += strings[int(index)]
                if total[0] > limits.string_bytes:
                    raise _Beyond("strings", total[0], scan)

    def text(data):
        if cell["in_v"]:
            cell["index"].append(data)

    _stream_parse(archive, member, "工作表", start, end, text)


def _stream_parse(archive, member, what: str, start, end, text=None) -> None:
    """Feed one part of the archive to expat block by block (never whole into memory), with
    the given handlers; a DOCTYPE or entity is refused, broken XML named as `what`'s."""
    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    try:
        with archive.open(member) as stream:
            while block := stream.read(CHUNK):
                parser.Parse(block, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        raise UnsafeWorkbook(f"文件已损坏：{what}的 XML 格式有误（{exc}）。") from exc
