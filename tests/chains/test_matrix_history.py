"""Every change to the matrix is recorded — who, when, how (the admin's form, the admin's import
or the `load_matrix` command, with the file's name) and old → new per field, in Chinese — and
shown on the industry's page and on the 责任分工变更记录 page, which only the DRC and the
administrators may open."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chains.choices import ChangeMethod
from chains.matrix.selectors import matrix_rows
from chains.models import Industry, MatrixChange
from tests.chains.matrix_admin import HEADER, confirm, post_assignment, text_of, units_of, upload

NEW_ENERGY = "新能源产业"


def recorded() -> MatrixChange:
    """The one change recorded since the matrix was first loaded."""
    return MatrixChange.objects.get(replaced=True)


def changed_industries(record: MatrixChange) -> list[str]:
    return sorted(record.industries.values_list("name", flat=True))


@pytest.fixture
def form_change(users, client):
    """root names 黄燕添 to lead 新能源 and adds 市海洋局 to its responsible units, in the form."""
    client.force_login(users["admin"])
    units = [*units_of(NEW_ENERGY), ("市海洋局", "responsible")]
    response = post_assignment(client, NEW_ENERGY, officials=["黄燕添"], units=units)
    assert response.status_code == 302, text_of(response.content.decode())[-1500:]
    client.logout()
    return recorded()


def test_a_change_in_the_form_is_recorded(form_change, users):
    record = form_change
    assert record.method == ChangeMethod.FORM
    assert (record.actor, record.actor_name) == (users["admin"], "root")
    assert changed_industries(record) == [NEW_ENERGY]
    assert f"{NEW_ENERGY}：" in record.changes
    assert "  牵头市领导：黄晓舟 → 黄燕添" in record.changes
    assert "  牵头单位：无变化" in record.changes
    assert any(
        line.startswith("  责任单位：市发改委")
        and line.endswith(
            "→ 市发改委、市科技局、思明区、湖里区、集美区、海沧区、同安区、翔安区、火炬管委会、市海洋局"
        )
        for line in record.changes
    ), record.changes
    old = next(r for r in record.before if r["industry"] == NEW_ENERGY)
    new = next(r for r in record.after if r["industry"] == NEW_ENERGY)
    assert (old["lead_officials"], new["lead_officials"]) == (["黄晓舟"], ["黄燕添"])
    # The admin's own history of the assignment says the same, in Chinese.
    entry = LogEntry.objects.get(object_id=str(Industry.objects.get(name=NEW_ENERGY).assignment_id))
    assert "牵头市领导：黄晓舟 → 黄燕添" in entry.get_change_message()


def test_a_change_to_the_shared_future_assignment_is_recorded_for_all_six(users, client):
    client.force_login(users["admin"])
    units = [*units_of("未来网络"), ("市金融监管局", "responsible")]
    response = post_assignment(client, "未来网络", officials=["黄晓舟"], units=units)
    assert response.status_code == 302
    assert len(changed_industries(recorded())) == 6


def test_saving_the_form_unchanged_records_nothing(users, client):
    client.force_login(users["admin"])
    response = post_assignment(client, NEW_ENERGY, officials=["黄晓舟"], units=units_of(NEW_ENERGY))
    assert response.status_code == 302
    assert not MatrixChange.objects.filter(replaced=True).exists()


def test_renaming_a_unit_in_the_admin_is_recorded_for_the_industries_it_serves(users, client):
    """Any admin edit that changes what the matrix says is a change of the matrix."""
    from chains.models import Unit

    client.force_login(users["admin"])
    unit = Unit.objects.get(name="市海洋局")
    response = client.post(
        reverse("admin:chains_unit_change", args=[unit.pk]),
        {
            "code": unit.code,
            "name": "市海洋发展局",
            "name_en": unit.name_en,
            "kind": unit.kind,
            "position": unit.position,
        },
    )
    assert response.status_code == 302
    record = recorded()
    assert (record.method, record.actor) == (ChangeMethod.FORM, users["admin"])
    assert "第三代半导体" in changed_industries(record)
    assert any("市海洋局" in line and "市海洋发展局" in line for line in record.changes)


def test_an_import_is_recorded_with_its_file_and_in_chinese(users, client):
    client.force_login(users["admin"])
    preview = upload(
        client,
        HEADER + "emerging,新能源产业,黄晓舟,市科技局,市发改委、市工信局\n",
        name="分工调整.csv",
    ).content.decode()
    assert confirm(client, preview).status_code == 302
    record = recorded()
    assert record.method == ChangeMethod.IMPORT
    assert (record.actor, record.source) == (users["admin"], "分工调整.csv")
    assert changed_industries(record) == [NEW_ENERGY]
    assert "  牵头单位：市工信局 → 市科技局" in record.changes
    # No more "update through import_export" as the only trace.
    messages = [e.get_change_message() for e in LogEntry.objects.all()]
    assert messages and not any("import_export" in m for m in messages), messages
    entry = LogEntry.objects.get(object_id=str(Industry.objects.get(name=NEW_ENERGY).pk))
    assert "分工调整.csv" in entry.get_change_message()
    assert "牵头单位：市工信局 → 市科技局" in entry.get_change_message()


def test_an_import_that_changes_nothing_records_nothing(users, client):
    client.force_login(users["admin"])
    row = next(r for r in matrix_rows() if r["industry"] == NEW_ENERGY)
    line = ",".join(
        [row["category"], NEW_ENERGY]
        + ["、".join(row[c]) for c in ("lead_officials", "lead_units", "responsible_units")]
    )
    preview = upload(client, HEADER + line + "\n").content.decode()
    assert confirm(client, preview).status_code == 302
    assert not MatrixChange.objects.filter(replaced=True).exists()


def test_a_command_load_is_recorded_as_such(users, tmp_path):
    path = tmp_path / "2027年分工.csv"
    rows = [r for r in matrix_rows()]
    lines = [
        ",".join(
            [r["category"], r["industry"]]
            + [
                "、".join(
                    ["市海洋局"] if (r["industry"], c) == (NEW_ENERGY, "lead_units") else r[c]
                )
                for c in ("lead_officials", "lead_units", "responsible_units")
            ]
        )
        for r in rows
    ]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    call_command("load_matrix", str(path), "--replace", "--user", "root")
    record = recorded()
    assert record.method == ChangeMethod.COMMAND
    assert record.actor == users["admin"]
    assert record.source.endswith("2027年分工.csv")
    assert changed_industries(record) == [NEW_ENERGY]
    assert "  牵头单位：市工信局 → 市海洋局" in record.changes


# --- where the history is read ---------------------------------------------------------------------


def test_the_industry_page_shows_its_own_changes(form_change, users, client, make_user):
    # A second change, to another industry, by import.
    client.force_login(users["admin"])
    preview = upload(
        client,
        HEADER + "pillar,电子信息产业集群,黄晓舟,市工信局,市发改委、各区\n",
        name="电子信息.csv",
    ).content.decode()
    confirm(client, preview)

    client.force_login(users["siming"])  # a responsible unit of both industries
    page = client.get(reverse("industry", args=["new-energy"])).content.decode()
    history = re.search(r'<section[^>]*id="matrix-history".*?</section>', page, re.S)
    assert history, "the industry page has no change history"
    text = text_of(history.group(0))
    assert "责任分工变更记录" in text
    assert f"{timezone.localtime(form_change.at):%Y-%m-%d %H:%M}" in text
    assert "root" in text and "后台表单" in text
    assert "牵头市领导 黄晓舟 → 黄燕添" in text
    assert "新增：市海洋局" in text and "新增：黄燕添" in text and "移除：黄晓舟" in text
    assert "电子信息.csv" not in text  # another industry's change
    # The whole record is for the DRC and the administrators: unit staff get no link to it.
    assert reverse("chains:matrix_changes") not in page

    other = client.get(reverse("industry", args=["electronic-information"])).content.decode()
    other_text = text_of(
        re.search(r'<section[^>]*id="matrix-history".*?</section>', other, re.S).group(0)
    )
    assert "后台导入" in other_text and "电子信息.csv" in other_text
    assert "黄燕添" not in other_text


def test_the_change_log_page_lists_every_change_for_the_drc_and_administrators(
    form_change, users, client
):
    for role in ("drc", "admin"):
        client.force_login(users[role])
        response = client.get(reverse("chains:matrix_changes"))
        assert response.status_code == 200, role
        text = text_of(response.content.decode())
        assert "责任分工变更记录" in text
        assert NEW_ENERGY in text and "root" in text and "后台表单" in text
        assert "牵头市领导 黄晓舟 → 黄燕添" in text
    client.force_login(users["drc"])
    industry_page = client.get(reverse("industry", args=["new-energy"])).content.decode()
    assert reverse("chains:matrix_changes") in industry_page


def test_the_admin_calls_the_records_what_the_portal_calls_them(form_change, users, client):
    """责任分工变更记录 in the admin too: in its menu and on the records' list and page (it
    said 矩阵变更记录)."""
    client.force_login(users["admin"])
    pages = [
        reverse("admin:index"),
        reverse("admin:chains_matrixchange_changelist"),
        reverse("admin:chains_matrixchange_change", args=[form_change.pk]),
    ]
    for url in pages:
        text = text_of(client.get(url).content.decode())
        assert "责任分工变更记录" in text and "矩阵变更记录" not in text, url


@pytest.mark.parametrize("role", ["gxj", "siming", "stats", "leader_huang_yt"])
def test_the_change_log_page_is_refused_to_everyone_else(role, users, client):
    client.force_login(users[role])
    assert client.get(reverse("chains:matrix_changes")).status_code == 403


def test_the_change_log_page_sends_anonymous_users_to_log_in(matrix, client):
    response = client.get(reverse("chains:matrix_changes"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_change_log_page_shows_one_industry(form_change, users, client):
    client.force_login(users["admin"])
    preview = upload(
        client, HEADER + "pillar,电子信息产业集群,黄晓舟,市工信局,市发改委\n", name="电子信息.csv"
    ).content.decode()
    confirm(client, preview)
    client.force_login(users["drc"])
    url = reverse("chains:matrix_changes")
    everything = text_of(client.get(url).content.decode())
    assert "电子信息.csv" in everything and "黄燕添" in everything
    one = text_of(client.get(url, {"industry": "new-energy"}).content.decode())
    assert "黄燕添" in one and "电子信息.csv" not in one
    assert client.get(url, {"industry": "no-such-industry"}).status_code == 404


def test_the_pages_read_the_record_in_a_fixed_number_of_queries(users, client):
    """However many changes there are, the industry page and the record cost the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chains.loads import Load
    from chains.matrix import history as matrix_history
    from chains.matrix.selectors import assignment_names
    from chains.matrix.services import industry_assign

    def change(times: int):
        industry = Industry.objects.get(name=NEW_ENERGY)
        for _ in range(times):
            row = assignment_names(industry)
            with matrix_history.matrix_change(Load(actor=users["admin"], method=ChangeMethod.FORM)):
                industry_assign(
                    industry=industry,
                    lead_officials=row["lead_officials"],
                    lead_units=row["lead_units"],
                    responsible_units=row["responsible_units"][::-1],
                )

    def queries(url) -> int:
        client.get(url)  # sessions and caches warm
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(users["drc"])
    pages = [reverse("industry", args=["new-energy"]), reverse("chains:matrix_changes")]
    change(1)
    few = [queries(url) for url in pages]
    change(8)
    assert MatrixChange.objects.filter(replaced=True).count() == 9
    assert [queries(url) for url in pages] == few


def test_a_record_is_named_by_its_time_in_shanghai(form_change, users, client):
    """A record's title (the admin's page title, breadcrumbs, history entries) gives the time
    as read in Xiamen, not in UTC: 02:30 on 9 October there is 18:30 on the 8th in UTC."""
    import datetime

    at = datetime.datetime(2025, 10, 8, 18, 30, tzinfo=datetime.UTC)
    MatrixChange.objects.filter(pk=form_change.pk).update(at=at)
    record = MatrixChange.objects.get(pk=form_change.pk)
    assert str(record).endswith(" · 2025-10-09 02:30")
    client.force_login(users["admin"])
    page = client.get(reverse("admin:chains_matrixchange_change", args=[record.pk]))
    assert "2025-10-09 02:30" in text_of(page.content.decode())
    assert "2025-10-08 18:30" not in page.content.decode()
