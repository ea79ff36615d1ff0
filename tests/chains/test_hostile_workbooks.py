"""Workbooks built to hurt: refused with a reason in Chinese before any grid is built, nothing
written; and formulas found however the XML spells them, in every worksheet."""

import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chains.models import IndustryFigure
from tests.chains.test_statistics import assert_refused, run
from tests.chains.xlsx_parts import (
    CLEAN,
    HEADER,
    REL,
    TITLE,
    disguised,
    number,
    one_sheet,
    sheet,
    text,
    workbook,
)

ROOT = Path(__file__).resolve().parents[2]


def test_a_hand_built_workbook_imports(stats_db, tmp_path):
    """The baseline for the files below: the same sheet, clean, is imported."""
    run(one_sheet(tmp_path / "clean.xlsx", CLEAN))
    assert IndustryFigure.objects.get().value == 1


# --- sizes read from the cells, before calamine builds its grid --------------------------------

CHILD = """
import json, os, sys
import django
django.setup()
from chains.figures.workbook import SpreadsheetError, read_table
try:
    table = read_table(sys.argv[1], "hostile.xlsx")
    said = f"read {table.frame.shape}"
except SpreadsheetError as exc:
    said = str(exc)
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child forked from a large
# pytest process would report the parent's size; VmHWM belongs to this program's own memory.
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"said": said, "peak_mb": int(hwm.split()[1]) / 1024}))
"""


def _limit_memory():
    # A regression must fail the test, not take the machine down with it.
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


HOSTILE = {
    # A 512 GB grid before: the process aborted.
    "xfd": (
        f'<row r="1">{number("A1", 1)}</row><row r="1048576">{number("XFD1048576", 1)}</row>',
        None,
    ),
    # 5.4 GB before.
    "zz": (f'<row r="240000">{number("ZZ240000", 1)}</row>', None),
    # <dimension> claims three cells; the cells say otherwise.
    "lying dimension": (
        f'<row r="1">{number("A1", 1)}</row><row r="1048576">{number("XFD1048576", 1)}</row>',
        "A1:C1",
    ),
    # Within the row and column limits, but the grid from A1 is 3.2 million cells.
    "grid": (
        f'<row r="1">{number("A1", 1)}</row><row r="200000">{number("P200000", 1)}</row>',
        None,
    ),
}
REASONS = {
    "xfd": "至少有 1,048,576 行，超过单次导入上限 250,000 行",
    "zz": "至少延伸到第 702 列（ZZ 列），超过 256 列的上限",
    "lying dimension": "至少有 1,048,576 行，超过单次导入上限 250,000 行",
    "grid": "的数据区从 A1 至少延伸到 P200000，共 3,200,000 个单元格，超过 2,000,000 个的上限",
}


def _read_in_child(path) -> dict:
    """read_table in a fresh process: what it said and its peak resident memory."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_memory,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    return json.loads(child.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", HOSTILE)
def test_a_tiny_workbook_with_a_far_cell_is_refused_in_little_memory(tmp_path, name):
    rows, dimension = HOSTILE[name]
    path = one_sheet(tmp_path / "hostile.xlsx", rows, dimension=dimension)
    assert path.stat().st_size < 5_000
    result = _read_in_child(path)
    assert REASONS[name] in result["said"], result["said"]
    assert result["peak_mb"] < 512, result


def test_one_long_shared_string_in_many_cells_is_refused_in_little_memory(tmp_path):
    """calamine copies a shared string into every cell that refers to it: 32,000 characters in
    20,000 cells would be 1.9 GB from a 105 KB file."""
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 20_001))
    path = workbook(
        tmp_path / "shared.xlsx", ("数据", "sheet1.xml", sheet(cells)), shared=["产" * 32_000]
    )
    assert path.stat().st_size < 200_000
    result = _read_in_child(path)
    assert "引用的共享文本合计至少 40.0\xa0MB" in result["said"], result["said"]
    assert "超过 40.0\xa0MB 的上限" in result["said"]
    assert result["peak_mb"] < 512, result


# --- sheets calamine reads that a scan of xl/worksheets/ would not see ---------------------------

FAR = f'<row r="1">{number("A1", 1)}</row><row r="1048576">{number("XFD1048576", 1)}</row>'
ELSEWHERE = {
    # calamine reads the part the relationship points to, wherever it is: before, the guard
    # scanned only xl/worksheets/, passed the file, and calamine aborted the process (549 GB).
    "chart sheet": ("chartsheets/sheet1.xml", f"{REL}/chartsheet", FAR),
    "dialog sheet": ("dialogsheets/sheet1.xml", f"{REL}/dialogsheet", FAR),
    "macro sheet": ("macrosheets/sheet1.xml", f"{REL}/worksheet", FAR),
    "any folder": ("foo/sheet1.xml", f"{REL}/worksheet", FAR),
    "from the root": ("/sheet1.xml", f"{REL}/worksheet", FAR),
    # Before: read, and the formula's value imported unreported.
    "formula in a chart sheet": (
        "chartsheets/sheet1.xml",
        f"{REL}/chartsheet",
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>',
    ),
}


@pytest.mark.parametrize("name", ELSEWHERE)
def test_a_sheet_outside_the_worksheets_folder_is_refused(tmp_path, name):
    target, kind, rows = ELSEWHERE[name]
    path = workbook(
        tmp_path / "elsewhere.xlsx",
        ("数据", target, sheet(rows), kind),
        ("说明", "sheet2.xml", sheet(CLEAN)),
    )
    result = _read_in_child(path)
    assert "工作表「数据」不是普通工作表" in result["said"], result["said"]


def test_a_sheet_named_twice_in_the_zip_is_refused(tmp_path):
    """An Info-ZIP Unicode Path field names the far sheet's member xl/worksheets/sheet1.xml for
    calamine's zip library; Python's zipfile sees an image and a clean decoy. Before: the guard
    scanned the decoy, calamine read the far cell and aborted."""
    source = one_sheet(tmp_path / "plain.xlsx", FAR)
    path = disguised(
        tmp_path / "unicode-path.xlsx", source, "xl/worksheets/sheet1.xml", "xl/media/image1.bin"
    )
    result = _read_in_child(path)
    assert "工作簿中有部件的名称前后不一致" in result["said"], result["said"]


def test_a_part_no_sheet_points_to_is_scanned_too(stats_db, tmp_path, capsys):
    """Defence in depth: an .xml part of no known kind is scanned like a worksheet, in case some
    reader takes it for one. Before, only xl/worksheets/ was scanned."""
    path = one_sheet(tmp_path / "orphan.xlsx", CLEAN)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(
            "xl/macrosheets/sheet1.xml", sheet('<row r="2"><c r="B2"><f>1+1</f><v>2</v></c></row>')
        )
    assert_refused(capsys, path, "工作表「xl/macrosheets/sheet1.xml」的 B2 等单元格是公式")


# --- a tag at the quick scan's cut ---------------------------------------------------------------

MB = 1 << 20


def _split_at_20_mb(cells: str, tail: str) -> str:
    """A sheet whose `tail` starts 1 byte before 20 MB, after 16 MB of spaces and no '>': where
    the quick scan used to cut its 16 MB without a '>' anywhere, splitting the tag in two."""
    head, end = sheet("@@").split("@@")
    prefix = head + cells
    spaces = 20 * MB - 1 - len(prefix.encode())
    return prefix + " " * spaces + tail + end


def test_a_far_cell_split_by_the_quick_scans_cut_is_found(tmp_path):
    rows = _split_at_20_mb(f'<row r="1">{number("A1", 1)}', f"{number('XFD1048576', 2)}</row>")
    path = workbook(tmp_path / "cut.xlsx", ("数据", "sheet1.xml", rows), padding=260_000)
    assert path.stat().st_size < 300_000
    result = _read_in_child(path)
    assert REASONS["xfd"] in result["said"], result["said"]


def test_a_formula_split_by_the_quick_scans_cut_is_found(stats_db, tmp_path, capsys):
    cells = TITLE + HEADER + f'<row r="3">{text("A3", "电子信息")}{text("B3", "2025-09")}<c r="C3">'
    rows = _split_at_20_mb(cells, "<f>0+1</f><v>1</v></c></row>")
    path = workbook(tmp_path / "cut.xlsx", ("数据", "sheet1.xml", rows), padding=260_000)
    assert_refused(capsys, path, "第 3 行：C列是公式")


def test_the_upload_page_refuses_it_and_writes_no_figure(stats_db, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from chains.models import FigureImport

    path = one_sheet(tmp_path / "far.xlsx", HOSTILE["xfd"][0])
    client.force_login(stats_db["stats"])
    client.post(reverse("stats:home"), {"file": SimpleUploadedFile("far.xlsx", path.read_bytes())})
    record = FigureImport.objects.get()
    assert record.status == "refused"
    assert "超过单次导入上限" in record.errors[0]
    assert not IndustryFigure.objects.exists()


def test_cells_without_references_are_placed_as_calamine_places_them(stats_db, tmp_path, capsys):
    """300 cells with no r= attribute run to column 300 (the parse stops at the first past 256)."""
    cells = "".join("<c><v>1</v></c>" for _ in range(300))
    path = one_sheet(tmp_path / "implied.xlsx", CLEAN + f'<row r="9">{cells}</row>')
    assert_refused(capsys, path, "至少延伸到第 257 列（IW 列），超过 256 列的上限")


def test_formatted_blank_cells_far_away_do_not_count(stats_db, tmp_path):
    """Empty cells (only a style) are not read by calamine: they do not make a sheet too big."""
    blank = '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    run(one_sheet(tmp_path / "styled.xlsx", CLEAN + blank))
    assert IndustryFigure.objects.count() == 1


# --- formulas, however spelled, in every worksheet ----------------------------------------------

FORMULA_ROW = '<row r="3">{a}{b}<c r="C3"><f>0+1</f><v>1</v></c></row>'.format(
    a=text("A3", "电子信息"), b=text("B3", "2025-09")
)


def test_formula_cell_without_its_reference(stats_db, tmp_path, capsys):
    row = (
        '<row r="3"><c t="inlineStr"><is><t>电子信息</t></is></c>'
        '<c t="inlineStr"><is><t>2025-09</t></is></c><c><f>0+1</f><v>1</v></c></row>'
    )
    path = one_sheet(tmp_path / "no-ref.xlsx", TITLE + HEADER + row)
    assert_refused(capsys, path, "第 3 行：C列是公式")


def test_namespace_prefixed_formula_cell(stats_db, tmp_path, capsys):
    path = one_sheet(tmp_path / "prefixed.xlsx", TITLE + HEADER + FORMULA_ROW, prefix="x")
    assert_refused(capsys, path, "第 3 行：C列是公式")


def test_formula_after_a_comment(stats_db, tmp_path, capsys):
    row = FORMULA_ROW.replace("<f>", "<!-- a note --><f>")
    path = one_sheet(tmp_path / "comment.xlsx", TITLE + HEADER + row)
    assert_refused(capsys, path, "第 3 行：C列是公式")


def test_formula_in_a_second_sheet_while_the_first_is_clean(stats_db, tmp_path, capsys):
    notes = sheet('<row r="2"><c r="B2"><f>1+1</f><v>2</v></c></row>')
    path = workbook(
        tmp_path / "two.xlsx", ("数据", "sheet1.xml", sheet(CLEAN)), ("说明", "sheet2.xml", notes)
    )
    assert_refused(capsys, path, "工作表「说明」的 B2 等单元格是公式")


def test_formula_in_the_first_sheet_stored_as_sheet2(stats_db, tmp_path, capsys):
    """The sheet imported is the workbook's first, whatever its part is called."""
    path = workbook(
        tmp_path / "order.xlsx",
        ("数据", "sheet2.xml", sheet(TITLE + HEADER + FORMULA_ROW)),
        ("旧表", "sheet1.xml", sheet(CLEAN)),
    )
    assert_refused(capsys, path, "第 3 行：C列是公式")


def test_shared_and_array_formulas(stats_db, tmp_path, capsys):
    shared = (
        f'<row r="3">{text("A3", "电子信息")}{text("B3", "2025-08")}'
        '<c r="C3"><f t="shared" ref="C3:C4" si="0">0+1</f><v>1</v></c></row>'
        f'<row r="4">{text("A4", "电子信息")}{text("B4", "2025-09")}'
        '<c r="C4"><f t="shared" si="0"/><v>1</v></c></row>'
    )
    path = one_sheet(tmp_path / "shared.xlsx", TITLE + HEADER + shared)
    assert_refused(capsys, path, "第 4 行：C列是公式")
    array = (
        f'<row r="3">{text("A3", "电子信息")}{text("B3", "2025-08")}'
        '<c r="C3"><f t="array" ref="C3:C4">{1;2}</f><v>1</v></c></row>'
        f'<row r="4">{text("A4", "电子信息")}{text("B4", "2025-09")}<c r="C4"><v>2</v></c></row>'
    )
    path = one_sheet(tmp_path / "array.xlsx", TITLE + HEADER + array)
    assert_refused(capsys, path, "第 4 行：C列是数组公式（C3:C4）的结果")
