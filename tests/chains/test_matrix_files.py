"""Matrix files read one way wherever they come in: the admin's import accepts the GB18030 CSV
`load_matrix` accepts, and both refuse, before openpyxl reads it, a workbook that would take
minutes and gigabytes (formatted blank rows, a <dimension> claiming the whole sheet)."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl.styles import Font

from chains.matrix import services
from chains.matrix.io import MatrixFileError, check_xlsx
from chains.matrix.resources import OfficialResource, UnitResource
from chains.matrix.selectors import matrix_rows
from chains.models import Industry, Official, Unit
from chains.xlsx_guard import column_letter
from tests.chains.xlsx_parts import REL, sheet, workbook

HEADER = ["category", "industry", "lead_officials", "lead_units", "responsible_units"]
ROW = ["pillar", "电子信息产业集群", "黄晓舟", "市工信局", "市发改委、市科技局"]
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def upload(client, name: str, data: bytes, fmt: str):
    return client.post(
        reverse("admin:chains_industry_import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, data)},
    )


def blank_rows_workbook(rows: int) -> bytes:
    """The matrix with `rows` formatted blank rows under it, as Excel writes a formatted range."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(ROW)
    bold = Font(bold=True)
    for row in range(3, rows + 3):
        sheet.cell(row=row, column=1).font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook with its sheet's <dimension> rewritten."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), part)
            out.writestr(item, part)
    return target.getvalue()


def test_admin_accepts_the_gb18030_csv_load_matrix_accepts(users, client, tmp_path):
    text = (
        ",".join(HEADER)
        + "\n"
        + ",".join(["pillar", "电子信息产业集群", "黄晓舟", "市工信局", "市发改委"])
        + "\n"
    )
    raw = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    path = tmp_path / "matrix.csv"
    path.write_bytes(raw)
    call_command("load_matrix", str(path), "--dry-run")  # the command's rule: accepted

    client.force_login(users["admin"])
    html = upload(client, "matrix.csv", raw, CSV_FORMAT).content.decode()
    assert "无法读取文件" not in html
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    assert "import_file_name" in form
    response = client.post(reverse("admin:chains_industry_process_import"), form)
    assert response.status_code == 302
    row = next(r for r in matrix_rows() if r["industry"] == "电子信息产业集群")
    assert row["responsible_units"] == ["市发改委"]


def test_admin_refuses_formatted_blank_rows_before_reading(users, client):
    client.force_login(users["admin"])
    before = matrix_rows()
    html = upload(client, "matrix.xlsx", blank_rows_workbook(5_000), XLSX_FORMAT).content.decode()
    assert "共有 2,001 行（含空行和只设了格式的行），超过上限 2,000 行" in html, html[-3000:]
    assert 'name="import_file_name"' not in html
    assert matrix_rows() == before


def test_load_matrix_refuses_them_the_same_way(matrix, tmp_path):
    path = tmp_path / "matrix.xlsx"
    path.write_bytes(blank_rows_workbook(5_000))
    before = matrix_rows()
    with pytest.raises(CommandError) as error:
        # --replace: without it a loaded matrix is left alone before the file is even read.
        call_command("load_matrix", str(path), "--replace")
    assert "超过上限 2,000 行" in str(error.value)
    assert matrix_rows() == before


def test_a_million_formatted_blank_rows_are_refused_in_the_request(users, client, settings):
    """The file that took 150 s and 3.6 GB: refused before openpyxl opens it."""
    settings.STATS_MAX_COMPRESSION_RATIO = 100_000  # let the sheet's own limit speak
    rows = b"".join(b'<row r="%d"><c r="A%d" s="1"/></row>' % (i, i) for i in range(3, 1_000_003))
    data = blank_rows_workbook(0)
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b"</sheetData>", rows + b"</sheetData>")
            out.writestr(item, part)
    client.force_login(users["admin"])
    before = matrix_rows()
    html = upload(client, "matrix.xlsx", target.getvalue(), XLSX_FORMAT).content.decode()
    assert "超过 4.0 MB 的上限" in html or "超过 4.0\xa0MB 的上限" in html, html[-3000:]
    assert matrix_rows() == before


def test_a_dimension_claiming_the_whole_sheet_is_refused(users, client):
    """openpyxl pads every row to the width <dimension> claims: the claim is refused."""
    client.force_login(users["admin"])
    before = matrix_rows()
    data = with_dimension(blank_rows_workbook(0), "A1:XFD1048576")
    html = upload(client, "matrix.xlsx", data, XLSX_FORMAT).content.decode()
    assert "声明的区域（&lt;dimension&gt;）为 1,048,576 行 × 16,384 列" in html, html[-3000:]
    assert matrix_rows() == before


def test_an_ordinary_matrix_workbook_still_imports(users, client):
    client.force_login(users["admin"])
    html = upload(client, "matrix.xlsx", blank_rows_workbook(0), XLSX_FORMAT).content.decode()
    assert 'name="import_file_name"' in html, html[-3000:]


# Files openpyxl would blow up from a few KB; only the check reads them here. Before, each passed
# the check, and openpyxl then built a million rows (MemoryError) or padded every row to 16,384
# columns (656 MB for one request).
WIDE_HEADER = (
    '<row r="1">'
    + "".join(
        f'<c r="{column_letter(i)}1" t="inlineStr"><is><t>h{i}</t></is></c>' for i in range(50)
    )
    + "</row>"
)
HOSTILE_MATRIX = {
    # openpyxl reads the part the relationship points to, wherever it is; a clean sheet sits in
    # xl/worksheets/ for the scan to find.
    "sheet outside the worksheets folder": (
        ("矩阵", "foo/sheet1.xml", sheet(WIDE_HEADER, dimension="A1:XFD1048576")),
        "工作表「矩阵」不是普通工作表",
    ),
    "sheet from the root": (
        ("矩阵", "/sheet1.xml", sheet(WIDE_HEADER, dimension="A1:XFD1048576")),
        "工作表「矩阵」不是普通工作表",
    ),
    # openpyxl keeps the inner <dimension>; the check used to keep the first.
    "nested dimension": (
        (
            "矩阵",
            "sheet1.xml",
            sheet(WIDE_HEADER).replace(
                "<sheetData>",
                '<dimension ref="A1"><dimension ref="A1:XFD1048576"/></dimension><sheetData>',
            ),
        ),
        "声明的区域（<dimension>）为 1,048,576 行 × 16,384 列",
    ),
    # Two <row> elements, but openpyxl fills every row up to r.
    "row number gap": (
        ("矩阵", "sheet1.xml", sheet(WIDE_HEADER + '<row r="1048576"/>')),
        "共有 1,048,576 行（含空行和只设了格式的行），超过上限 2,000 行",
    ),
    # Empty cells are not content, but openpyxl pads each row to its last cell.
    "empty cells far right": (
        (
            "矩阵",
            "sheet1.xml",
            sheet(
                WIDE_HEADER
                + "".join(
                    f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="XFD{r}"/></row>'
                    for r in range(2, 900)
                )
            ),
        ),
        "至少延伸到第 16,384 列（XFD 列），超过 50 列的上限",
    ),
}


@pytest.mark.parametrize("name", HOSTILE_MATRIX)
def test_workbooks_openpyxl_would_blow_up_are_refused_by_the_check(tmp_path, name):
    first, reason = HOSTILE_MATRIX[name]
    path = workbook(tmp_path / "matrix.xlsx", first, ("说明", "sheet2.xml", sheet(WIDE_HEADER)))
    with pytest.raises(MatrixFileError) as error:
        check_xlsx(path.read_bytes())
    assert reason in str(error.value)


def test_a_chart_sheet_is_refused_by_the_check(tmp_path):
    path = workbook(
        tmp_path / "matrix.xlsx",
        ("矩阵", "sheet1.xml", sheet(WIDE_HEADER)),
        ("图表", "chartsheets/sheet1.xml", sheet(""), f"{REL}/chartsheet"),
    )
    with pytest.raises(MatrixFileError) as error:
        check_xlsx(path.read_bytes())
    assert "工作表「图表」不是普通工作表" in str(error.value)


def test_the_hand_built_matrix_workbook_passes_the_check(tmp_path):
    """The baseline for the files above: 50 columns, a sheet in xl/worksheets/, is accepted."""
    path = workbook(tmp_path / "matrix.xlsx", ("矩阵", "sheet1.xml", sheet(WIDE_HEADER)))
    check_xlsx(path.read_bytes())


@pytest.fixture
def formula_like_names(matrix):
    """A unit and an official whose names a spreadsheet would run as a formula, first in an
    industry's lists: the export quotes them ("'-…"), the import must read them back."""
    Unit.objects.create(code="minus-bureau", name="-测试局", kind="municipal", position=99)
    Official.objects.create(code="at-official", name="@测试领导", position=99)
    industry = Industry.objects.get(name="电子信息产业集群")
    row = next(r for r in matrix_rows() if r["industry"] == industry.name)
    services.industry_assign(
        industry=industry,
        lead_officials=["@测试领导", *row["lead_officials"]],
        lead_units=["-测试局", *row["lead_units"]],
        responsible_units=row["responsible_units"],
    )
    return matrix_rows()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_matrix_loads_back_unchanged(formula_like_names, tmp_path, fmt):
    path = tmp_path / f"matrix.{fmt}"
    call_command("export_matrix", format=fmt, output=str(path))
    assert b"'-" in path.read_bytes() or fmt == "xlsx"  # the export did quote the name

    call_command("load_matrix", str(path), "--replace")

    assert matrix_rows() == formula_like_names
    assert not Unit.objects.filter(name__startswith="'").exists()
    assert not Official.objects.filter(name__startswith="'").exists()


def test_the_admins_unit_and_official_exports_import_back_unchanged(
    formula_like_names, users, client
):
    client.force_login(users["admin"])
    for resource, model in ((UnitResource, Unit), (OfficialResource, Official)):
        names = sorted(model.objects.values_list("name", flat=True))
        data = resource().export().export("csv").encode("utf-8")
        assert b"'-" in data or b"'@" in data  # quoted on export
        opts = model._meta
        response = client.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_import"),
            {
                "resource": "0",
                "format": CSV_FORMAT,
                "import_file": SimpleUploadedFile("x.csv", data),
            },
        )
        html = response.content.decode()
        assert 'name="import_file_name"' in html, html[-3000:]
        form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
        response = client.post(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_process_import"), form
        )
        assert response.status_code == 302
        assert sorted(model.objects.values_list("name", flat=True)) == names
    assert matrix_rows() == formula_like_names
