"""The admin's import preview tells the truth: per industry, the database's value → the file's,
names added and removed, 「无变化」 where nothing changes, and, for a stale file, every recorded
change the import would undo (it used to show the database's values on both sides)."""

from django.urls import reverse
from django.utils import timezone

from chains.matrix.selectors import matrix_rows
from tests.chains.matrix_admin import (
    HEADER,
    confirm,
    post_assignment,
    preview_industry,
    preview_row,
    text_of,
    units_of,
    upload,
)

NEW_ENERGY = "新能源产业"
DISTRICTS = "思明区、湖里区、集美区、海沧区、同安区、翔安区"


def admin_export_csv(client) -> bytes:
    """The matrix as the admin's 导出 writes it, every column."""
    url = reverse("admin:chains_industry_export")
    form = client.get(url).context["form"]
    formats = {label.lower(): value for value, label in form.fields["format"].choices}
    data = {"format": formats["csv"], "resource": "0"}
    data |= {n: "on" for n, f in form.fields.items() if getattr(f, "is_selectable_field", False)}
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content


def test_the_preview_shows_the_files_values_against_the_databases(users, client):
    client.force_login(users["admin"])
    before = matrix_rows()
    page = upload(
        client,
        HEADER
        + "emerging,新能源产业,黄晓舟、黄燕添,市工信局,市发改委、市科技局、市海洋局\n"
        + f"pillar,电子信息产业集群,黄晓舟,市工信局,市发改委、市科技局、{DISTRICTS}、火炬管委会\n",
    ).content.decode()
    assert matrix_rows() == before  # a preview writes nothing

    officials = preview_row(page, NEW_ENERGY, "lead_officials")
    assert officials["before"] == "黄晓舟"
    assert officials["after"] == "黄晓舟、黄燕添"
    assert officials["delta"] == "新增：黄燕添"
    # the names added and removed are marked where they stand
    assert "<ins>黄燕添</ins>" in page

    units = preview_row(page, NEW_ENERGY, "responsible_units")
    assert units["before"] == f"市发改委、市科技局、{DISTRICTS}、火炬管委会"
    assert units["after"] == "市发改委、市科技局、市海洋局"
    assert units["delta"] == f"新增：市海洋局；移除：{DISTRICTS}、火炬管委会"
    assert "<del>火炬管委会</del>" in page

    lead_units = preview_row(page, NEW_ENERGY, "lead_units")
    assert lead_units["before"] == "市工信局" and lead_units["after"] == "无变化"

    assert preview_industry(page, "电子信息产业集群").endswith("无变化")
    assert "无变化" in preview_industry(page, "机械装备产业集群")  # not in the file: untouched
    summary = text_of(page)
    assert "1 个产业将被更改" in summary


def test_a_change_of_the_shared_future_assignment_shows_on_all_six(users, client):
    client.force_login(users["admin"])
    rows = "".join(
        f"future,{name},黄晓舟,市科技局,市发改委、市工信局\n"
        for name in (
            "第三代半导体",
            "未来网络",
            "前沿战略材料",
            "氢能与储能",
            "基因与生物技术",
            "深海空天开发",
        )
    )
    page = upload(client, HEADER + rows).content.decode()
    for name in ("第三代半导体", "深海空天开发"):
        assert preview_row(page, name, "responsible_units")["after"] == "市发改委、市工信局"
    assert "6 个产业将被更改" in text_of(page)


def test_a_stale_file_names_every_change_it_would_undo(users, client):
    client.force_login(users["admin"])
    stale = admin_export_csv(client)  # the matrix as it is now

    # Since then: a new lead official for 新能源 in the form, and 电子信息 without 火炬管委会
    # by an import.
    units = [*units_of(NEW_ENERGY), ("市海洋局", "responsible")]
    assert post_assignment(client, NEW_ENERGY, officials=["黄燕添"], units=units).status_code == 302
    changed_at = timezone.localtime()
    preview = upload(
        client,
        HEADER + f"pillar,电子信息产业集群,黄晓舟,市工信局,市发改委、市科技局、{DISTRICTS}\n",
        name="电子信息.csv",
    ).content.decode()
    assert confirm(client, preview).status_code == 302

    page = upload(client, stale, name="旧分工.csv").content.decode()
    officials = preview_row(page, NEW_ENERGY, "lead_officials")
    assert (officials["before"], officials["after"]) == ("黄燕添", "黄晓舟")
    assert f"{changed_at:%Y-%m-%d}" in officials["undoes"]
    assert "root（后台表单）新增的「黄燕添」" in officials["undoes"]
    assert "root（后台表单）移除的「黄晓舟」" in officials["undoes"]
    assert (
        "root（后台表单）新增的「市海洋局」"
        in preview_row(page, NEW_ENERGY, "responsible_units")["undoes"]
    )
    electronics = preview_row(page, "电子信息产业集群", "responsible_units")
    assert electronics["delta"] == "新增：火炬管委会"
    assert "root（后台导入：电子信息.csv）移除的「火炬管委会」" in electronics["undoes"]
    warning = text_of(page)
    assert (
        "注意：导入将撤销 4 项已记录的更改（见“将撤销的更改”一列），请确认这是有意的。" in warning
    )
    assert "写成之后" not in warning  # the file may be older than the changes, or not
    assert "2 个产业将被更改" in warning
    # The summary and the warning come before the 确认导入 button, the comparison after it.
    order = [
        page.index(mark)
        for mark in (
            'id="matrix-preview-summary"',
            'id="matrix-preview-undo"',
            'name="confirm"',
            'class="matrix-preview"',
        )
    ]
    assert order == sorted(order)


def test_undoing_an_old_change_on_purpose_is_not_called_a_stale_file(users, client, clock):
    """A unit added in the form last March, removed on purpose by a file written today: the
    import undoes that recorded change, and the warning says so — not that the file was
    written before it (it was written after)."""
    import datetime

    clock.set(datetime.date(2025, 3, 10))
    client.force_login(users["admin"])
    units = [*units_of(NEW_ENERGY), ("市海洋局", "responsible")]
    assert post_assignment(client, NEW_ENERGY, officials=["黄晓舟"], units=units).status_code == 302

    clock.set(datetime.date(2025, 10, 9))
    client.force_login(users["admin"])
    responsible = "、".join(name for name, role in units_of(NEW_ENERGY) if role == "responsible")
    page = upload(
        client,
        HEADER + f"emerging,{NEW_ENERGY},黄晓舟,市工信局,{responsible.replace('、市海洋局', '')}\n",
        name="今天的分工.csv",
    ).content.decode()
    row = preview_row(page, NEW_ENERGY, "responsible_units")
    assert row["delta"] == "移除：市海洋局"
    assert "2025-03-10" in row["undoes"] and "新增的「市海洋局」" in row["undoes"]
    warning = text_of(page)
    assert (
        "注意：导入将撤销 1 项已记录的更改（见“将撤销的更改”一列），请确认这是有意的。" in warning
    )
    assert "写成之后" not in warning
