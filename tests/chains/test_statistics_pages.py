"""The statistics pages: upload, preview, import, the industry's figures and their export."""

import io
import os

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chains.models import FigureImport, IndustryFigure
from tests.chains.stats_files import industry_workbook
from tests.chains.test_statistics import ROWS


def upload(client, path, **extra):
    return client.post(
        reverse("stats:home"), {"file": SimpleUploadedFile(path.name, path.read_bytes()), **extra}
    )


def test_upload_preview_then_import(client, stats_db, tmp_path):
    client.force_login(stats_db["stats"])
    response = upload(
        client,
        industry_workbook(
            tmp_path / "ind.xlsx", [*ROWS[:2], ("新材料产业", None, None, "三百", 1, 1, 1, 1)]
        ),
    )
    record = FigureImport.objects.get()
    assert response["Location"] == reverse("stats:import", args=[record.pk])
    html = client.get(response["Location"]).content.decode()
    assert "第 8 行：D列「工业总产值」不是数字：「三百」" in html
    assert 'id="apply"' not in html
    assert not IndustryFigure.objects.exists()

    response = upload(client, industry_workbook(tmp_path / "fixed.xlsx", ROWS))
    record = FigureImport.objects.order_by("-pk").first()
    html = client.get(response["Location"]).content.decode()
    assert 'id="rows-added">10<' in html and 'id="apply"' in html
    assert not IndustryFigure.objects.exists()  # the preview writes nothing
    client.post(reverse("stats:import", args=[record.pk]))
    assert IndustryFigure.objects.filter(is_current=True).count() == 10
    # Importing the same preview twice does nothing more.
    client.post(reverse("stats:import", args=[record.pk]))
    assert IndustryFigure.objects.count() == 10


def test_month_given_on_upload_when_the_file_has_none(client, stats_db, tmp_path):
    client.force_login(stats_db["stats"])
    path = industry_workbook(tmp_path / "ind.xlsx", ROWS, title="厦门市重点产业主要指标")
    upload(client, path)
    assert "无法确定数据月份" in FigureImport.objects.get().errors[0]
    response = upload(client, path, month="2025-08")
    record = FigureImport.objects.order_by("-pk").first()
    assert record.months == ["2025-08"]
    client.post(response["Location"])
    assert set(IndustryFigure.objects.values_list("month", flat=True)) == {8}


def test_only_statistics_staff_upload(client, stats_db, tmp_path):
    client.force_login(stats_db["drc"])
    assert client.get(reverse("stats:home")).status_code == 200  # the DRC reads the record
    assert upload(client, industry_workbook(tmp_path / "ind.xlsx", ROWS)).status_code == 403
    client.force_login(stats_db["gxj"])
    assert client.get(reverse("stats:home")).status_code == 403


def test_industry_page_and_export(client, stats_db, tmp_path):
    client.force_login(stats_db["stats"])
    response = upload(client, industry_workbook(tmp_path / "ind.xlsx", ROWS))
    client.post(response["Location"])
    client.force_login(stats_db["gxj"])
    url = reverse("stats:industry", args=["electronic-information"])
    html = client.get(url, {"year": 2025}).content.decode()
    assert 'id="by-month"' in html and "1234.50" in html and "9月" in html
    machinery = client.get(
        reverse("stats:industry", args=["machinery-equipment"]), {"year": 2025}
    ).content.decode()
    assert 'id="by-district"' in machinery and "思明区" in machinery
    response = client.get(url, {"year": 2025, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["按月"]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "指标" and any(1234.5 in row for row in values)
    # A unit without a part in the industry sees nothing of it.
    client.force_login(stats_db["swj"])
    assert client.get(url).status_code == 403


def test_templates_download_and_read_back(client, stats_db, tmp_path):
    from chains.figures.validating import plan_file

    client.force_login(stats_db["gxj"])
    response = client.get(reverse("stats:template", args=["industry_figures"]))
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    plan = plan_file(path, "template.xlsx")
    # The sample row: one value of each of the five default indicators (增加值 included).
    assert plan.ok and plan.added == 5


def test_industry_page_lists_its_enterprises_and_queries_stay_flat(
    client, stats_db, tmp_path, django_assert_max_num_queries
):
    from chains.models import Enterprise, EnterpriseTier, Industry
    from tests.chains.stats_files import credit_code

    electronics = Industry.objects.get(code="electronic-information")
    client.force_login(stats_db["gxj"])
    url = reverse("stats:industry", args=["electronic-information"])
    Enterprise.objects.create(credit_code=credit_code(99), name="首家企业", industry=electronics)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(30):
        enterprise = Enterprise.objects.create(
            credit_code=credit_code(i), name=f"企业{i}", industry=electronics
        )
        EnterpriseTier.objects.create(enterprise=enterprise, tier="high_tech", year=2020)
    with django_assert_max_num_queries(20) as many:
        html = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "企业29" in html and reverse("stats:enterprise", args=[enterprise.pk]) in html


def test_import_page_shows_what_a_revision_changed(client, stats_db, tmp_path):
    client.force_login(stats_db["stats"])
    for name, rows in (
        ("v1.xlsx", ROWS[:2]),
        (
            "v2.xlsx",
            [("电子信息产业集群", None, None, "1,300", "9,876", "12.5", 800, 7000), *ROWS[1:]],
        ),
    ):
        response = upload(client, industry_workbook(tmp_path / name, rows))
        client.post(response["Location"])
    first, second = FigureImport.objects.order_by("pk")

    html = client.get(reverse("stats:import", args=[first.pk])).content.decode()
    assert first.rows_added == 6
    assert "这是这些月份的第一版数据：新增 6 项" in html and 'id="changes"' not in html

    html = client.get(reverse("stats:import", args=[second.pk])).content.decode()
    assert 'id="rows-added">4</strong> 行已新增' in html
    assert "v1.xlsx" in html and "1 项数据有变更，新增 4 项。" in html
    table = html[html.index('id="changes"') :]
    # The changed figure first, with its indicator, month and both values; then the additions.
    body = table[table.index("<tbody>") :]
    first_row = body[: body.index("</tr>")]
    assert "电子信息产业集群" in first_row and "工业总产值（当月，万元）" in first_row
    assert "2025年9月" in first_row and "1234.50" in first_row and "1300.00" in first_row
    assert table.count("（新增）") == 4 and "新材料产业" in table


def test_a_missing_statistics_file_answers_404_in_chinese(client, stats_db, tmp_path):
    """The record of an upload outlives its file when a database is restored without media."""
    client.force_login(stats_db["stats"])
    upload(client, industry_workbook(tmp_path / "ind.xlsx", ROWS))
    record = FigureImport.objects.get()
    url = reverse("stats:import_file", args=[record.pk])
    assert client.get(url).status_code == 200
    os.remove(record.file.path)
    response = client.get(url)
    assert response.status_code == 404
    assert "文件本身不在服务器上" in response.content.decode()


def test_confirming_a_preview_whose_file_is_missing_is_refused_in_chinese(
    client, stats_db, tmp_path, caplog
):
    """After a database is restored without its media folder, confirming a preview says the
    file is gone (and logs its path) instead of failing; nothing is imported or marked."""
    client.force_login(stats_db["stats"])
    upload(client, industry_workbook(tmp_path / "ind.xlsx", ROWS))
    record = FigureImport.objects.get()
    assert record.status == "preview"
    os.remove(record.file.path)

    response = client.post(reverse("stats:import", args=[record.pk]), follow=True)

    assert response.status_code == 200
    assert "上传的文件已不在服务器上" in response.content.decode()
    assert record.file.name in caplog.text
    record.refresh_from_db()
    assert (record.status, record.errors, record.applied_at) == ("preview", [], None)
    assert not IndustryFigure.objects.exists()


def test_importing_checks_the_file_again_against_todays_data(client, stats_db, tmp_path):
    """Between the preview and the import an administrator renamed 新材料产业: the import
    checks the file again, refuses it with the reason, marks it refused and writes nothing."""
    from chains.models import Industry

    client.force_login(stats_db["stats"])
    upload(client, industry_workbook(tmp_path / "ind.xlsx", ROWS))
    record = FigureImport.objects.get()
    assert record.status == "preview"
    Industry.objects.filter(name="新材料产业").update(name="先进材料产业")

    response = client.post(reverse("stats:import", args=[record.pk]), follow=True)

    html = response.content.decode()
    assert "未导入：文件有错误" in html and "第 8 行：未知产业「新材料产业」。" in html
    record.refresh_from_db()
    assert (record.status, record.errors) == ("refused", ["第 8 行：未知产业「新材料产业」。"])
    assert record.applied_at is None and not IndustryFigure.objects.exists()


def test_a_stored_file_that_no_longer_reads_is_refused_at_import(client, stats_db, tmp_path):
    """The stored file is read again at import: one damaged since its preview (a disk fault, a
    hand in the media folder) is refused with the reason, not half-read."""
    client.force_login(stats_db["stats"])
    upload(client, industry_workbook(tmp_path / "ind.xlsx", ROWS))
    record = FigureImport.objects.get()
    with open(record.file.path, "wb") as damaged:
        damaged.write(b"%PDF-1.7 no longer a workbook")

    client.post(reverse("stats:import", args=[record.pk]))

    record.refresh_from_db()
    assert record.status == "refused" and "不是 Excel 工作簿" in record.errors[0]
    assert not IndustryFigure.objects.exists()
