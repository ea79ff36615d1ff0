"""The admin's import (django-import-export): a preview first, row errors shown, nothing
written until the admin confirms, and a bad file never written at all."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chains.selectors import matrix_rows

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
