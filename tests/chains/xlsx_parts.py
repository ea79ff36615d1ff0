"""Workbooks written part by part with zipfile: a few KB each, spelled exactly as a test needs
(cells without references, namespace prefixes, lying <dimension>, formulas in any form)."""

import os
import struct
import zipfile
import zlib

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_REL = f"{REL}/worksheet"


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def number(ref: str, value) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


# A sheet the statistics import accepts: the unit in the title, one industry, one month.
TITLE = f'<row r="1">{text("A1", "单位：万元")}</row>'
HEADER = (
    f'<row r="2">{text("A2", "产业")}{text("B2", "月份")}{text("C2", "工业总产值当月(万元)")}</row>'
)
CLEAN = (
    TITLE
    + HEADER
    + f'<row r="3">{text("A3", "电子信息")}{text("B3", "2025-09")}{number("C3", 1)}</row>'
)


def sheet(rows: str, *, dimension: str | None = None, prefix: str = "") -> str:
    """A worksheet part; with a prefix every element is namespace-prefixed (`<x:c>`)."""
    if prefix:
        rows = (
            rows.replace("<", f"<{prefix}:")
            .replace(f"<{prefix}:/", f"</{prefix}:")
            .replace(f"<{prefix}:!--", "<!--")
        )
        p = f"{prefix}:"
        dim = f'<{p}dimension ref="{dimension}"/>' if dimension else ""
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet xmlns:{prefix}="{MAIN}">'
            f"{dim}<{p}sheetData>{rows}</{p}sheetData></{p}worksheet>"
        )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    )


def _target(part: str) -> tuple[str, str]:
    """A sheet's relationship target and its member name: a bare file name is under
    xl/worksheets/; a path is taken as the target (relative to xl/, or from the root)."""
    target = part if "/" in part else f"worksheets/{part}"
    return target, target[1:] if target.startswith("/") else f"xl/{target}"


def workbook(
    path,
    *sheets: tuple,
    shared: list[str] | None = None,
    padding: int = 0,
):
    """sheets: (name, part, part XML[, relationship type]), in the workbook's order; the part is
    a file name under xl/worksheets/ or any target (see _target), the type a worksheet's unless
    given. shared: the shared strings (cells refer to them as <c t="s"><v>index</v></c>).
    padding: that many random bytes stored as an image, to keep a test's compression ratio
    under the zip-bomb limit."""
    sheets = tuple((*s, WORKSHEET_REL) if len(s) == 3 else s for s in sheets)
    overrides = "".join(
        f'<Override PartName="/{_target(part)[1]}" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for _, part, _, _ in sheets
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _, _, _) in enumerate(sheets, 1)
    )
    book = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f"<sheets>{entries}</sheets></workbook>"
    )
    targets = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{_target(part)[0]}"/>'
        for i, (_, part, _, kind) in enumerate(sheets, 1)
    )
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships">{targets}</Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        for _, part, xml, _ in sheets:
            archive.writestr(_target(part)[1], xml)
        if shared is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in shared)
            archive.writestr(
                "xl/sharedStrings.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(shared)}"'
                f' uniqueCount="{len(shared)}">{items}</sst>',
            )
        if padding:
            archive.writestr(
                zipfile.ZipInfo("xl/media/image1.png"), os.urandom(padding), zipfile.ZIP_STORED
            )
    return path


def one_sheet(path, rows: str, **options):
    return workbook(path, ("数据", "sheet1.xml", sheet(rows, **options)))


def disguised(path, source, part: str, decoy: str):
    """`source` rewritten so that its member `part` is named `decoy` in the zip directory, with
    an Info-ZIP Unicode Path field (0x7075) naming it `part` again (calamine's zip library reads
    that name, Python's zipfile the directory's), and a harmless copy of `part` under another
    name for Python to find."""
    with zipfile.ZipFile(source) as original:
        items = [(m.filename, original.read(m)) for m in original.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in items:
            if name != part:
                archive.writestr(name, data)
                continue
            archive.writestr(name.replace("sheet1", "decoy"), sheet(CLEAN))
            payload = b"\x01" + struct.pack("<I", zlib.crc32(decoy.encode())) + part.encode()
            info = zipfile.ZipInfo(decoy)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.extra = struct.pack("<HH", 0x7075, len(payload)) + payload
            archive.writestr(info, data)
    return path
