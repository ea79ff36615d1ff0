"""The admin's import (django-import-export): a preview first, row errors shown, nothing
written until the admin confirms, and a bad file never written at all."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chains.matrix.selectors import matrix_rows
from tests.chains.matrix_admin import text_of

HEADER = "category,industry,lead_officials,lead_units,responsible_units\n"
CSV_FORMAT = "0"


def upload(client, text: str, url_name="admin:chains_industry_import"):
    return client.post(
        reverse(url_name),
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile("matrix.csv", text.encode("utf-8"), "text/csv"),
        },
    )


def test_preview_then_confirm(users, client):
    client.force_login(users["admin"])
    before = matrix_rows()
    response = upload(
        client, HEADER + "pillar,电子信息产业集群,黄晓舟,市工信局,市发改委、市科技局\n"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "confirm" in html.lower() or "确认" in html
    assert matrix_rows() == before  # the preview wrote nothing
    form = {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }
    response = client.post(reverse("admin:chains_industry_process_import"), form)
    assert response.status_code == 302
    row = next(r for r in matrix_rows() if r["industry"] == "电子信息产业集群")
    assert row["responsible_units"] == ["市发改委", "市科技局"]


def test_preview_shows_row_errors_in_chinese_and_writes_nothing(users, client):
    client.force_login(users["admin"])
    before = matrix_rows()
    text = (
        HEADER
        + "pillar,电子信息产业集群,黄晓舟,市工信局,市发改委\npillar,机械装备产业集群,黄晓舟,市工信局,市火星局\n"
    )
    html = upload(client, text).content.decode()
    assert "未知的责任单位：市火星局" in html
    assert 'name="import_file_name"' not in html  # no confirm button for a bad file
    assert matrix_rows() == before


def test_missing_column_is_refused(users, client):
    client.force_login(users["admin"])
    html = upload(client, "category,industry\npillar,电子信息产业集群\n").content.decode()
    assert "缺少列" in html


def test_unit_import_reports_unknown_kind(users, client):
    client.force_login(users["admin"])
    html = upload(
        client,
        "code,name,name_en,kind,position\nxyz,市新局,New Bureau,planet,1\n",
        "admin:chains_unit_import",
    ).content.decode()
    assert "未知的单位类型「planet」" in html


def test_admin_edit_of_assignment_resyncs_permissions(users, client):
    """Editing the shared future assignment in the admin gives the new lead unit its rights."""
    from accounts.access import can
    from accounts.choices import Action
    from chains.models import Industry

    client.force_login(users["admin"])
    assignment = Industry.objects.get(name="未来网络").assignment
    url = reverse("admin:chains_assignment_change", args=[assignment.pk])
    html = client.get(url).content.decode()
    assert client.get(url).status_code == 200
    links = list(assignment.unit_links.order_by("id"))
    officials = list(assignment.official_links.all())
    data = {
        "code": assignment.code,
        "official_links-TOTAL_FORMS": str(len(officials)),
        "official_links-INITIAL_FORMS": str(len(officials)),
        "official_links-MIN_NUM_FORMS": "1",
        "official_links-MAX_NUM_FORMS": "1000",
        "unit_links-TOTAL_FORMS": str(len(links)),
        "unit_links-INITIAL_FORMS": str(len(links)),
        "unit_links-MIN_NUM_FORMS": "0",
        "unit_links-MAX_NUM_FORMS": "1000",
    }
    for i, link in enumerate(officials):
        data.update(
            {
                f"official_links-{i}-id": link.pk,
                f"official_links-{i}-assignment": assignment.pk,
                f"official_links-{i}-official": link.official_id,
                f"official_links-{i}-position": link.position,
            }
        )
    for i, link in enumerate(links):
        role = (
            "lead"
            if link.unit.name == "市海洋局"
            else ("responsible" if link.unit.name == "市科技局" else link.role)
        )
        data.update(
            {
                f"unit_links-{i}-id": link.pk,
                f"unit_links-{i}-assignment": assignment.pk,
                f"unit_links-{i}-unit": link.unit_id,
                f"unit_links-{i}-role": role,
                f"unit_links-{i}-position": link.position,
            }
        )
    assert "市海洋局" in html
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    hyj, kjj = users["hyj"], users["kjj"]
    for industry in Industry.objects.filter(category__code="future"):
        assert can(hyj, Action.FILE, industry)
        assert not can(kjj, Action.FILE, industry)


def test_unreadable_and_empty_files_are_refused_plainly(users, client):
    import io

    import openpyxl

    client.force_login(users["admin"])
    before = matrix_rows()
    empty = io.BytesIO()
    openpyxl.Workbook().save(empty)
    for name, data, fmt in [
        ("matrix.xlsx", b"%PDF-1.4 not a workbook", "1"),
        ("empty.xlsx", empty.getvalue(), "1"),
    ]:
        response = client.post(
            reverse("admin:chains_industry_import"),
            {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, data)},
        )
        assert "无法读取文件" in response.content.decode()
    assert matrix_rows() == before


# --- the import page's messages and the files it reads and writes (issue 14, item 7) ----------


def refused_rows(html: str) -> list[tuple[str, str, str]]:
    """The refused rows' table: (row as Excel numbers it, column, message)."""
    return [
        tuple(re.sub(r"<[^>]+>|\s+", "", cell) for cell in cells)
        for cells in re.findall(
            r'<tr class="refused-row">\s*<td class="row-number">(.*?)</td>\s*'
            r'<td class="column">(.*?)</td>\s*<td class="message">(.*?)</td>',
            html,
            re.S,
        )
    ]


def test_refused_rows_are_numbered_as_excel_numbers_them(users, client):
    """The header is row 1: the second data row is row 3, as in Excel and in load_matrix."""
    client.force_login(users["admin"])
    html = upload(
        client,
        HEADER
        + "pillar,电子信息产业集群,黄晓舟,市工信局,市发改委\n"
        + "pillar,机械装备产业集群,黄晓舟,市工信局,市火星局\n",
    ).content.decode()
    assert refused_rows(html) == [
        ("3", "责任单位（responsible_units）", "未知的责任单位：市火星局（请使用规范名称）")
    ]


def test_an_empty_industry_cell_is_named_in_chinese(users, client):
    import io

    import openpyxl

    client.force_login(users["admin"])
    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["pillar", None, "黄晓舟", "市工信局", "市发改委"])
    data = io.BytesIO()
    book.save(data)
    for name, content, fmt in (
        ("matrix.csv", (HEADER + "pillar,,黄晓舟,市工信局,市发改委\n").encode(), CSV_FORMAT),
        ("matrix.xlsx", data.getvalue(), "1"),
    ):
        response = client.post(
            reverse("admin:chains_industry_import"),
            {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, content)},
        )
        html = response.content.decode()
        assert refused_rows(html) == [
            ("2", "产业（industry）", "产业为空：请在industry列填写产业名称。")
        ], name
        assert ">name<" not in html and "NAME" not in html
        assert "None" not in re.sub(r"<script.*?</script>", "", html, flags=re.S)


def test_the_heading_over_refused_rows_reads_correctly(users, client):
    client.force_login(users["admin"])
    html = upload(
        client, HEADER + "pillar,电子信息产业集群,黄晓舟,市工信局,市火星局\n"
    ).content.decode()
    assert "以下行的数据未通过校验" in html
    assert "某些行验数据证失败" not in html  # django-import-export's own zh-hans text


def test_a_gb18030_tab_separated_file_from_chinese_excel_is_accepted(users, client):
    """Excel on Chinese Windows saves 文本文件(制表符分隔) in GB18030 too."""
    client.force_login(users["admin"])
    text = HEADER.replace(",", "\t") + "pillar\t电子信息产业集群\t黄晓舟\t市工信局\t市发改委\n"
    response = client.post(
        reverse("admin:chains_industry_import"),
        {
            "resource": "0",
            "format": "2",  # tsv
            "import_file": SimpleUploadedFile("matrix.tsv", text.encode("gb18030")),
        },
    )
    html = response.content.decode()
    assert "无法读取文件" not in html
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    assert client.post(reverse("admin:chains_industry_process_import"), form).status_code == 302
    row = next(r for r in matrix_rows() if r["industry"] == "电子信息产业集群")
    assert row["responsible_units"] == ["市发改委"]


def test_units_and_officials_read_gb18030_csv_too(users, client):
    from chains.models import Official, Unit

    client.force_login(users["admin"])
    for url, text in (
        (
            "admin:chains_unit_import",
            "code,name,name_en,kind,position\nxyz,市新局,New Bureau,municipal,1\n",
        ),
        ("admin:chains_official_import", "code,name,name_en,position\nzhangsan,张三,Zhang San,9\n"),
    ):
        response = client.post(
            reverse(url),
            {
                "resource": "0",
                "format": CSV_FORMAT,
                "import_file": SimpleUploadedFile("x.csv", text.encode("gb18030")),
            },
        )
        form = dict(
            re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.content.decode()
            )
        )
        assert (
            client.post(reverse(url.replace("_import", "_process_import")), form).status_code == 302
        )
    assert (
        Unit.objects.filter(name="市新局").exists()
        and Official.objects.filter(name="张三").exists()
    )


def export_form(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    form = response.context["form"]
    formats = {label.lower(): value for value, label in form.fields["format"].choices}
    data = {"format": formats["csv"], "resource": "0"}
    data |= {n: "on" for n, f in form.fields.items() if getattr(f, "is_selectable_field", False)}
    return url, response, data


def test_exported_csv_is_utf8_with_a_bom_for_excel(users, client):
    """Excel on Chinese Windows reads a csv without a BOM as GB18030: garbled names."""
    client.force_login(users["admin"])
    for url_name in ("admin:chains_industry_export", "admin:chains_unit_export"):
        url, _page, data = export_form(client, url_name)
        content = client.post(url, data).content
        assert content.startswith(b"\xef\xbb\xbf"), url_name
        assert "市工信局" in content.decode("utf-8-sig")


def test_an_exported_csv_imports_back_unchanged(users, client):
    client.force_login(users["admin"])
    url, _page, data = export_form(client, "admin:chains_industry_export")
    content = client.post(url, data).content
    html = client.post(
        reverse("admin:chains_industry_import"),
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile("m.csv", content),
        },
    ).content.decode()
    assert "导入后没有任何变化：14 个产业均无变化。" in text_of(html)
    assert 'name="import_file_name"' in html


def test_the_export_page_labels_the_columns_in_chinese(users, client):
    client.force_login(users["admin"])
    _url, page, _data = export_form(client, "admin:chains_industry_export")
    html = page.content.decode()
    for label in ("产业类别", "产业", "牵头市领导", "牵头单位", "责任单位"):
        assert f"{label}（" in html, label
    for english in ("Lead Officials", "Lead Units", "Responsible Units", "Category", "Industry"):
        assert f">{english}" not in html and f"{english} (" not in html, english
    _url, page, _data = export_form(client, "admin:chains_unit_export")
    assert "名称（name）" in page.content.decode()


# --- confirming writes all or nothing (issue 14 review, 1) ------------------------------------


def object_permissions() -> set[tuple[str, str, str]]:
    from chains.models import IndustryGroupObjectPermission

    return set(
        IndustryGroupObjectPermission.objects.values_list(
            "group__name", "permission__codename", "content_object__name"
        )
    )


def test_a_row_refused_at_confirm_rolls_back_the_whole_file(users, client):
    """The file passed the preview; before the admin confirms, a unit one row names is renamed
    (it leads and supports nothing, so the matrix itself is as the preview showed it). The
    confirmed import writes none of the file, not the good rows without their permissions and
    change record, and says which row failed, in Chinese."""
    from django.contrib.admin.models import LogEntry

    from chains.models import MatrixChange, Unit
    from tests.chains.matrix_admin import confirm

    client.force_login(users["admin"])
    Unit.objects.create(code="xinju", name="市新局", kind="municipal", position=99)
    preview = upload(
        client,
        HEADER
        + "pillar,电子信息产业集群,黄晓舟,市工信局,市发改委、市科技局\n"
        + "pillar,机械装备产业集群,黄晓舟,市工信局,市新局\n",
    ).content.decode()
    assert 'name="import_file_name"' in preview
    before = matrix_rows()
    permissions, records, entries = (
        object_permissions(),
        MatrixChange.objects.count(),
        LogEntry.objects.count(),
    )

    Unit.objects.filter(name="市新局").update(name="市新设局")
    response = confirm(client, preview)

    assert matrix_rows() == before
    assert object_permissions() == permissions
    assert MatrixChange.objects.count() == records
    assert LogEntry.objects.count() == entries
    assert response.status_code == 302
    assert response.url == reverse("admin:chains_industry_import")
    shown = [str(m) for m in response.wsgi_request._messages]
    assert len(shown) == 1
    assert shown[0].startswith("导入未完成，未做任何更改")
    assert "第 3 行 责任单位（responsible_units）：未知的责任单位：市新局" in shown[0]
    assert "请重新上传文件并核对预览" in shown[0]
    page = client.get(response.url).content.decode()
    assert "第 3 行 责任单位（responsible_units）" in page


# --- what the preview showed is what confirming writes (issue 14 review, 3) -------------------


def test_a_form_edit_between_preview_and_confirm_is_not_silently_undone(users, client):
    """The preview compared the file with 电子信息's units as they were; then an administrator
    adds 市海洋局 to them in the form. Confirming the file would take it away again without
    the preview having said so: the import is refused, and writes nothing."""
    from django.contrib.admin.models import LogEntry

    from chains.models import MatrixChange
    from tests.chains.matrix_admin import confirm, post_assignment, units_of

    client.force_login(users["admin"])
    preview = upload(
        client, HEADER + "pillar,电子信息产业集群,黄晓舟,市工信局,市发改委、市科技局\n"
    ).content.decode()
    assert 'name="preview_fingerprint"' in preview

    units = [*units_of("电子信息产业集群"), ("市海洋局", "responsible")]
    edit = post_assignment(client, "电子信息产业集群", officials=["黄晓舟"], units=units)
    assert edit.status_code == 302
    after_edit = matrix_rows()
    row = next(r for r in after_edit if r["industry"] == "电子信息产业集群")
    assert "市海洋局" in row["responsible_units"]
    permissions, records, entries = (
        object_permissions(),
        MatrixChange.objects.count(),
        LogEntry.objects.count(),
    )

    response = confirm(client, preview)

    assert matrix_rows() == after_edit
    assert object_permissions() == permissions
    assert MatrixChange.objects.count() == records
    assert LogEntry.objects.count() == entries
    assert response.status_code == 302
    assert response.url == reverse("admin:chains_industry_import")
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown[-1] == (
        "预览之后责任分工已有更改，导入未执行，未做任何更改。请重新上传文件并核对预览。"
    )
    assert "导入成功" not in " ".join(shown)


def test_a_confirmation_without_the_previews_fingerprint_is_refused(users, client):
    from tests.chains.matrix_admin import confirm

    client.force_login(users["admin"])
    before = matrix_rows()
    preview = upload(
        client, HEADER + "pillar,电子信息产业集群,黄晓舟,市工信局,市发改委、市科技局\n"
    ).content.decode()
    response = confirm(
        client, re.sub(r'<input type="hidden" name="preview_fingerprint"[^>]*>', "", preview)
    )
    assert matrix_rows() == before
    assert "预览之后责任分工已有更改" in str(list(response.wsgi_request._messages))


def test_a_unit_edited_between_preview_and_confirm_is_not_silently_undone(users, client):
    from chains.models import Unit
    from tests.chains.matrix_admin import confirm

    client.force_login(users["admin"])
    preview = upload(
        client,
        "code,name,name_en,kind,position\nxyz,市新局,New Bureau,municipal,1\n",
        "admin:chains_unit_import",
    ).content.decode()
    Unit.objects.filter(name="市工信局").update(name_en="Industry Bureau (renamed)")
    response = confirm(client, preview, url="admin:chains_unit_process_import")
    assert not Unit.objects.filter(name="市新局").exists()
    assert "预览之后数据已有更改" in str(list(response.wsgi_request._messages))


def test_a_file_with_only_the_header_is_refused_in_chinese(users, client):
    """django-import-export's own message for a file without data rows has no Chinese in its
    catalogue: ours gives it one."""
    client.force_login(users["admin"])
    before = matrix_rows()
    html = upload(client, HEADER).content.decode()
    assert "文件中没有可导入的数据：请确认文件有正确的表头，且表头下有数据行。" in html
    assert "No valid data" not in html
    assert 'name="import_file_name"' not in html
    assert matrix_rows() == before
