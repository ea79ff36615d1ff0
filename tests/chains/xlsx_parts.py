"""Workbooks written part by part with zipfile: a few KB each, spelled exactly as a test needs
(cells without references, namespace prefixes, lying <dimension>, formulas in any form)."""

import zipfile

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


def workbook(path, *sheets: tuple[str, str, str], shared: list[str] | None = None):
    """sheets: (name, part file name under xl/worksheets/, part XML), in the workbook's order;
    shared: the shared strings (cells refer to them as <c t="s"><v>index</v></c>)."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/{part}" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for _, part, _ in sheets
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
        for i, (name, _, _) in enumerate(sheets, 1)
    )
    book = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f"<sheets>{entries}</sheets></workbook>"
    )
    targets = "".join(
        f'<Relationship Id="rId{i}" Type="{WORKSHEET_REL}" Target="worksheets/{part}"/>'
        for i, (_, part, _) in enumerate(sheets, 1)
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
        for _, part, xml in sheets:
            archive.writestr(f"xl/worksheets/{part}", xml)
        if shared is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in shared)
            archive.writestr(
                "xl/sharedStrings.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(shared)}"'
                f' uniqueCount="{len(shared)}">{items}</sst>',
            )
    return path


def one_sheet(path, rows: str, **options):
    return workbook(path, ("数据", "sheet1.xml", sheet(rows, **options)))
