"""An xlsx file checked before any spreadsheet library builds it in memory.

calamine and openpyxl size their grids from the cell references they find: a single value at
XFD1048576 makes calamine ask for 512 GB, and openpyxl pads every row to the width the
<dimension> element claims. So the archive is checked first (zip bomb, duplicate or XML-entity
parts, encodings), then every worksheet part's real extent is read from its cells — the
<dimension> element is only a claim, never trusted to allow anything — together with every
formula cell, whatever the XML spelling.

Reading is cheap for the files people send: a plain byte scan of the sheet (regular expressions
over a few MB at a time) proves that every cell is written the ordinary way (`<c r="B7" …>`),
within the extent found, and that there is no formula. Anything else — a formula, a cell without
its reference, a namespace prefix, another encoding — is read exactly by a streaming XML parser
that follows calamine's own rules (elements matched by local name, positions implied by the
previous cell when a reference is missing, empty cells not counted)."""

import html
import re
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


@dataclass
class SheetScan:
    """What a worksheet part really holds. Rows and columns count from A1 to the last cell
    with content (a value, an inline string or a formula); formulas are 0-based positions."""

    part: str
    rows: int = 0
    columns: int = 0
    row_elements: int = 0
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


ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")


def _utf8(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        return False
    declared = ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    return declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")


def worksheet_parts(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Every part a reader could take for a worksheet: calamine reads only paths under
    xl/worksheets/ (matched in any case), so those are all checked, whatever the
    relationships say."""
    return [
        m
        for m in archive.infolist()
        if m.filename.lower().startswith(WORKSHEETS) and not m.is_dir()
    ]


def sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name (lower case) → the sheet's name, in the workbook's order (the first is the one
    imported), resolved as calamine resolves it. Only for messages and for telling the first
    sheet: no check relies on it."""
    try:
        workbook = archive.read(_find(archive, "xl/workbook.xml"))
        rels = archive.read(_find(archive, "xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = _attribute(tag, rb"Id"), _attribute(tag, rb"Target")
        if rid and target:
            targets.setdefault(rid, target.decode("utf-8", "replace"))
    names = {}
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name, rid = _attribute(tag, rb"name"), _attribute(tag, rb"(?:r|relationships):id")
        if name is None or rid not in targets:
            continue
        path = targets[rid].removeprefix("/")
        path = path if path.startswith("xl/") else f"xl/{path}"
        names.setdefault(path.lower(), html.unescape(name.decode("utf-8", "replace")))
    return names


def _attribute(tag: bytes, name: bytes) -> bytes | None:
    found = re.search(rb"\s" + name + rb"""\s*=\s*["']([^"']*)["']""", tag)
    return found.group(1) if found else None


def _find(archive: zipfile.ZipFile, name: str) -> str:
    for member in archive.namelist():
        if member.lower() == name:
            return member
    raise KeyError(name)


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
    """The part in pieces cut just after a '>', so no tag the quick path looks at is split."""
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
            cut = cut or len(data)
            yield data[:cut]
            rest = data[cut:]


def _quick_scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> SheetScan | None:
    """The scan for ordinary files, or None when the exact parse must decide."""
    scan = SheetScan(part=member.filename)
    rows = columns = 0  # bounds (1-based) every content cell so far lies within
    first = True
    for chunk in _chunks(archive, member):
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
            scan.row_elements += 1
            if "r" in attrs:
                self.row = self._ref(attrs["r"], column=False)[0]
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
        elif local == "dimension" and "ref" in attrs and scan.claimed is None:
            try:
                scan.claimed = tuple(n + 1 for n in parse_range(attrs["ref"])[2:])
            except ValueError:
                pass

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
