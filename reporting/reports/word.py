"""The report as a Word document (.docx) in the 公文 layout, for the DRC to edit in Word or WPS
before sending it on: made from the same HTML the PDF is made from, so it carries the same
headings, paragraphs and tables; charts (inline SVG) become PNG pictures.

python-docx writes the file; what it lacks is written here: walking the report's HTML (a
handful of tags, listed in `_block`), the East-Asian font names on every run (Word otherwise
falls back to a Latin font for Chinese) and the page number field in the footer.

Layout (GB/T 9704): A4, margins 37 / 28 / 26 / 35 mm; title in 方正小标宋简体 22 pt; body in
仿宋 16 pt (三号) with a two-character first-line indent; headings 一、 in 黑体, （一） in 楷体,
1. in 仿宋 bold; tables in 仿宋 10.5 pt (五号)."""

import io
import itertools
import re

import lxml.html
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEADING_FONTS = {1: "黑体", 2: "楷体", 3: "仿宋"}
BODY_SIZE = Pt(16)
TABLE_SIZE = Pt(10.5)
RED = RGBColor(0xC0, 0x00, 0x00)
PICTURE_WIDTH = Mm(156)  # the text block: 210 - 28 - 26 mm

# Parts of the HTML that are for the screen or the PDF only.
SKIPPED_TAGS = {"nav", "style", "script", "hr", "title", "meta", "base"}
SKIPPED_CLASSES = {"toc", "state"}


def _east_asian(r_pr, name: str) -> None:
    """The font named for every script, East-Asian included, and no theme font over it."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _font(run, name: str, size=None, bold=None) -> None:
    run.font.name = name
    _east_asian(run._element.get_or_add_rPr(), name)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold


def _style_fonts(style, name: str, size, bold: bool = False) -> None:
    style.font.name = name
    style.font.size = size
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    _east_asian(style.element.get_or_add_rPr(), name)


def _page_number(paragraph) -> None:
    """第 N 页 in the footer, N a PAGE field Word and WPS fill in."""
    _font(paragraph.add_run("第 "), BODY_FONT, Pt(14))
    run = paragraph.add_run()
    _font(run, BODY_FONT, Pt(14))
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._element.append(instruction)
    _font(paragraph.add_run(" 页"), BODY_FONT, Pt(14))
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _document(title: str):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    styles = document.styles
    _style_fonts(styles["Normal"], BODY_FONT, BODY_SIZE)
    styles["Normal"].paragraph_format.line_spacing = Pt(28)
    for level, name in HEADING_FONTS.items():
        style = styles[f"Heading {level}"]
        _style_fonts(style, name, BODY_SIZE, bold=level == 3)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    document.core_properties.title = title
    return document


def _collapse(text: str) -> str:
    """White space as a browser shows it; the full-width space (U+3000) is kept."""
    return re.sub(r"[ \t\r\n\f]+", " ", text)


def _text(element) -> str:
    return _collapse(element.text_content() or "").strip(" ")


def _segments(element, bold=None, superscript=False) -> list[tuple[str, bool | None, bool]]:
    """The element's text in pieces (text, bold, superscript): bold for b/strong, raised for
    sup, "\n" for br; other inline elements (links, spans) keep their text."""
    pieces = [(element.text or "", bold, superscript)]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            pieces.append(("\n", bold, superscript))
        elif tag:
            pieces += _segments(
                child,
                True if tag in ("b", "strong") else bold,
                superscript or tag == "sup",
            )
        pieces.append((child.tail or "", bold, superscript))
    return pieces


def _inline(paragraph, element, size=None, bold=None) -> None:
    """The element's text as runs, white space collapsed as a browser does."""
    pieces = []
    for text, piece_bold, superscript in _segments(element, bold):
        text = text if text == "\n" else _collapse(text)
        if text:
            pieces.append([text, piece_bold, superscript])
    # no space at the start or the end of the paragraph, nor twice across two pieces
    while pieces and pieces[0][0] != "\n" and not pieces[0][0].strip():
        pieces.pop(0)
    if pieces:
        pieces[0][0] = pieces[0][0].lstrip(" ")
        pieces[-1][0] = pieces[-1][0].rstrip(" ")
    for before, after in itertools.pairwise(pieces):
        if before[0].endswith(" ") and after[0].startswith(" "):
            after[0] = after[0][1:]
    for text, piece_bold, superscript in pieces:
        if text == "\n":
            paragraph.add_run().add_break(WD_BREAK.LINE)
        elif text:
            run = paragraph.add_run(text)
            _font(run, BODY_FONT, size, piece_bold)
            run.font.superscript = superscript or None


def _paragraph(document, element, indent: bool = True) -> None:
    if not _text(element):
        return
    paragraph = document.add_paragraph()
    if indent and "note" not in (element.get("class") or ""):
        paragraph.paragraph_format.first_line_indent = Pt(32)
    _inline(paragraph, element)


def _span(cell) -> int:
    colspan = cell.get("colspan") or "1"
    return max(1, int(colspan)) if colspan.isdigit() else 1


def _table(document, element) -> None:
    caption = element.find("caption")
    if caption is not None and _text(caption):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(_text(caption)), BODY_FONT, TABLE_SIZE, True)
    rows = [row for row in element.iter("tr")]
    width = max((sum(_span(c) for c in row if c.tag in ("td", "th")) for row in rows), default=0)
    if not width:
        return
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # the whole text width, columns shared out by content (python-docx sets no table width)
    table_width = OxmlElement("w:tblW")
    table_width.set(qn("w:w"), "5000")
    table_width.set(qn("w:type"), "pct")
    properties = table._tbl.tblPr
    for old in properties.findall(qn("w:tblW")):
        properties.remove(old)
    properties.append(table_width)
    merges = []
    for r, row in enumerate(rows):
        targets = table.rows[r].cells  # once a row: python-docx rebuilds the grid per call
        c = 0
        for cell in row:
            if cell.tag not in ("td", "th") or c >= width:
                continue
            span = _span(cell)
            if span > 1:
                merges.append((r, c, min(c + span, width) - 1))
            paragraph = targets[c].paragraphs[0]
            classes = cell.get("class") or ""
            if "n" in classes.split():
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif cell.tag == "th" or "c" in classes.split():
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.line_spacing = 1.0
            _inline(paragraph, cell, TABLE_SIZE, True if cell.tag == "th" else None)
            c += span
    for r, first, last in merges:  # colspan: merged once the row's text is in
        table.cell(r, first).merge(table.cell(r, last))


def _picture(document, svg) -> None:
    import cairosvg  # loads libcairo: only when a report is turned into Word

    png = cairosvg.svg2png(bytestring=lxml.html.tostring(svg), output_width=1180)
    document.add_picture(io.BytesIO(png), width=PICTURE_WIDTH)
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _cover(document, element) -> None:
    for child in element:
        classes = (child.get("class") or "").split()
        text = _text(child)
        if not text or child.tag == "hr" or "state" in classes:
            continue
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if child.tag == "h1":
            paragraph.paragraph_format.space_before = Pt(48)
            _font(paragraph.add_run(text), TITLE_FONT, Pt(22))
        elif "issuer-mark" in classes:
            run = paragraph.add_run(text)
            _font(run, TITLE_FONT, Pt(26))
            run.font.color.rgb = RED
        else:
            _font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
    state = element.find_class("state")
    if state:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(_text(state[0])), "黑体", BODY_SIZE)


def _block(document, element) -> None:
    """One element of the report's body: sections and divisions are walked into; h2, h3 and
    h4 are the headings 一、 （一） 1.; p a paragraph; table a table; svg a picture; ul a list;
    a division's own text (a comment's label, a narrative) a paragraph."""
    tag = element.tag if isinstance(element.tag, str) else ""
    classes = set((element.get("class") or "").split())
    if not tag or tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES:
        return
    if "cover" in classes:
        _cover(document, element)
    elif tag in ("h2", "h3", "h4"):
        level = {"h2": 1, "h3": 2, "h4": 3}[tag]
        heading = document.add_heading(level=level)
        heading.paragraph_format.page_break_before = level == 1  # each part on a new page
        _font(heading.add_run(_text(element)), HEADING_FONTS[level], BODY_SIZE, level == 3)
    elif tag == "p":
        _paragraph(document, element)
    elif tag == "table":
        _table(document, element)
    elif tag == "svg":
        _picture(document, element)
    elif tag == "ul":
        for item in element.iter("li"):
            paragraph = document.add_paragraph(style="List Bullet")
            _inline(paragraph, item)
    elif "label" in classes:  # a comment's label: 市发改委意见
        paragraph = document.add_paragraph()
        _font(paragraph.add_run(_text(element)), "黑体", BODY_SIZE)
    elif tag in ("section", "div", "figure", "body"):
        if element.text and _collapse(element.text).strip():
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)
            _font(paragraph.add_run(_collapse(element.text).strip()), BODY_FONT, BODY_SIZE)
        for child in element:
            _block(document, child)
            if child.tail and _collapse(child.tail).strip() and tag != "body":
                paragraph = document.add_paragraph()
                _font(paragraph.add_run(_collapse(child.tail).strip()), BODY_FONT, BODY_SIZE)
    elif tag in ("span", "b", "strong", "a"):
        _paragraph(document, element, indent=False)


def report_docx(html: str) -> bytes:
    """The report's HTML (render.report_html) as a .docx file."""
    root = lxml.html.document_fromstring(html)
    title = _text(root.find(".//title")) if root.find(".//title") is not None else ""
    document = _document(title)
    for element in root.body:
        _block(document, element)
    for section in document.sections:
        _page_number(section.footer.paragraphs[0])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
