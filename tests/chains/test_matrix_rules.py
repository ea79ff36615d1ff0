"""One set of rules for a row of the matrix wherever it is written (chains.matrix.rules): the
admin's assignment form, the admin's import and `load_matrix` refuse the same rows with the
same words. A row needs a lead official and a lead unit, names no one twice, and no unit both
leads and supports it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from chains.matrix import services
from chains.matrix.rules import matrix_row_errors
from chains.matrix.selectors import matrix_rows
from chains.models import Assignment, Industry, MatrixChange
from tests.chains.matrix_admin import HEADER, post_assignment, text_of, units_of, upload

NO_OFFICIAL = "至少需要一位牵头市领导。"
NO_LEAD_UNIT = "至少需要一个牵头单位。"


def test_the_rules():
    assert (
        matrix_row_errors(
            lead_officials=["黄晓舟"], lead_units=["市工信局"], responsible_units=["市发改委"]
        )
        == {}
    )
    assert matrix_row_errors(lead_officials=[], lead_units=[], responsible_units=["市发改委"]) == {
        "lead_officials": NO_OFFICIAL,
        "lead_units": NO_LEAD_UNIT,
    }
    errors = matrix_row_errors(
        lead_officials=["黄晓舟", "黄晓舟"],
        lead_units=["市工信局"],
        responsible_units=["市工信局", "市发改委", "市发改委"],
    )
    assert errors["lead_officials"] == "牵头市领导重复列出：黄晓舟。"
    assert "市工信局不能既是牵头单位又是责任单位。" in errors["responsible_units"]
    assert "责任单位重复列出：市发改委" in errors["responsible_units"]


# --- the admin's assignment form --------------------------------------------------------------


def test_the_form_refuses_a_row_without_a_lead_official(users, client):
    client.force_login(users["admin"])
    before = matrix_rows()
    response = post_assignment(client, "新能源产业", officials=[], units=units_of("新能源产业"))
    assert response.status_code == 200  # the form again, with the reason
    assert NO_OFFICIAL in text_of(response.content.decode())
    assert matrix_rows() == before
    assert not MatrixChange.objects.filter(replaced=True).exists()


def test_the_form_refuses_a_row_without_a_lead_unit(users, client):
    client.force_login(users["admin"])
    before = matrix_rows()
    units = [(name, "responsible") for name, _role in units_of("新能源产业")]
    response = post_assignment(client, "新能源产业", officials=["黄晓舟"], units=units)
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert NO_LEAD_UNIT in page
    assert NO_OFFICIAL not in page
    assert matrix_rows() == before


def test_the_form_saves_a_complete_row(users, client):
    client.force_login(users["admin"])
    units = [*units_of("新能源产业"), ("市海洋局", "responsible")]
    response = post_assignment(client, "新能源产业", officials=["黄晓舟", "黄燕添"], units=units)
    assert response.status_code == 302, text_of(response.content.decode())[-1500:]
    row = next(r for r in matrix_rows() if r["industry"] == "新能源产业")
    assert row["lead_officials"] == ["黄晓舟", "黄燕添"]
    assert row["responsible_units"][-1] == "市海洋局"


def test_an_industry_cannot_be_pointed_at_an_incomplete_assignment(users, client):
    """The industry's own form: the assignment it is given must be a complete row too."""
    client.force_login(users["admin"])
    empty = Assignment.objects.create(code="empty")
    industry = Industry.objects.get(name="新能源产业")
    response = client.post(
        reverse("admin:chains_industry_change", args=[industry.pk]),
        {
            "code": industry.code,
            "name": industry.name,
            "name_en": industry.name_en,
            "category": industry.category_id,
            "assignment": empty.pk,
            "position": industry.position,
            "subsegments-TOTAL_FORMS": "0",
            "subsegments-INITIAL_FORMS": "0",
            "subsegments-MIN_NUM_FORMS": "0",
            "subsegments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert NO_OFFICIAL in page and NO_LEAD_UNIT in page
    industry.refresh_from_db()
    assert industry.assignment.code != "empty"


# --- the admin's import and load_matrix --------------------------------------------------------


def test_the_import_refuses_the_same_rows_in_the_same_words(users, client):
    client.force_login(users["admin"])
    before = matrix_rows()
    page = text_of(
        upload(
            client,
            HEADER
            + "emerging,新能源产业,,市工信局,市发改委\nemerging,新材料产业,黄晓舟,,市发改委\n",
        ).content.decode()
    )
    assert NO_OFFICIAL in page and NO_LEAD_UNIT in page
    assert matrix_rows() == before


def test_load_matrix_refuses_the_same_rows_in_the_same_words(matrix, tmp_path, capsys):
    path = tmp_path / "matrix.csv"
    path.write_text(
        HEADER + "emerging,新能源产业,,市工信局,市发改委\nemerging,新材料产业,黄晓舟,,市发改委\n",
        encoding="utf-8",
    )
    before = matrix_rows()
    with pytest.raises(CommandError, match="未做任何更改"):
        call_command("load_matrix", str(path), "--replace")
    err = capsys.readouterr().err
    assert f"第 2 行 lead_officials：{NO_OFFICIAL}" in err
    assert f"第 3 行 lead_units：{NO_LEAD_UNIT}" in err
    assert matrix_rows() == before


def test_the_service_refuses_them_too(matrix):
    """Whatever calls it, the service that writes an industry's row applies the same rules."""
    with pytest.raises(ValidationError) as error:
        services.industry_assign(
            industry=Industry.objects.get(name="新能源产业"),
            lead_officials=["黄晓舟"],
            lead_units=[],
            responsible_units=["市发改委"],
        )
    assert error.value.message_dict == {"lead_units": [NO_LEAD_UNIT]}


# --- the future industries' shared assignment (issue 14 review, 7) -----------------------------


def post_industry(client, industry, **changes):
    """The industry's change form as the admin saves it, with `changes` (category and
    assignment by pk)."""
    data = {
        "code": industry.code,
        "name": industry.name,
        "name_en": industry.name_en,
        "category": industry.category_id,
        "assignment": industry.assignment_id,
        "position": industry.position,
        "subsegments-TOTAL_FORMS": "0",
        "subsegments-INITIAL_FORMS": "0",
        "subsegments-MIN_NUM_FORMS": "0",
        "subsegments-MAX_NUM_FORMS": "1000",
    } | changes
    return client.post(reverse("admin:chains_industry_change", args=[industry.pk]), data)


def test_the_rule_for_an_industrys_assignment():
    from chains.matrix.rules import industry_assignment_error

    assert not industry_assignment_error(
        industry_code="future-networks", category_code="future", assignment_code="future"
    )
    assert not industry_assignment_error(
        industry_code="new-energy", category_code="emerging", assignment_code="new-energy"
    )
    assert "六个未来产业共用一套分工" in industry_assignment_error(
        industry_code="future-networks", category_code="future", assignment_code="new-energy"
    )
    assert "未来产业共用的分工" in industry_assignment_error(
        industry_code="future-networks", category_code="emerging", assignment_code="future"
    )
    assert "其他产业的分工" in industry_assignment_error(
        industry_code="new-energy", category_code="emerging", assignment_code="new-materials"
    )


def test_the_form_refuses_a_future_industry_its_own_assignment(users, client):
    """The import would give it back the shared one (and refuse a file that did this)."""
    client.force_login(users["admin"])
    industry = Industry.objects.get(name="未来网络")
    other = Industry.objects.get(name="新能源产业").assignment  # complete, but not the six's
    before = matrix_rows()
    response = post_industry(client, industry, assignment=other.pk)
    assert response.status_code == 200
    assert "六个未来产业共用一套分工" in text_of(response.content.decode())
    industry.refresh_from_db()
    assert industry.assignment.code == "future"
    assert matrix_rows() == before


def test_the_form_refuses_to_move_an_industry_out_of_future_with_the_shared_assignment(
    users, client
):
    from chains.models import Category

    client.force_login(users["admin"])
    industry = Industry.objects.get(name="未来网络")
    emerging = Category.objects.get(code="emerging")
    before = matrix_rows()
    response = post_industry(client, industry, category=emerging.pk)
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "不能使用未来产业共用的分工" in page
    assert "future-networks" in page  # the assignment it needs: its own, coded as it is
    industry.refresh_from_db()
    assert industry.category.code == "future"
    assert matrix_rows() == before


def test_the_form_moves_an_industry_out_of_future_with_its_own_assignment(users, client):
    from chains.models import AssignmentOfficial, AssignmentUnit, Category

    client.force_login(users["admin"])
    industry = Industry.objects.get(name="未来网络")
    own = Assignment.objects.create(code=industry.code)
    for link in industry.assignment.official_links.all():
        AssignmentOfficial.objects.create(
            assignment=own, official=link.official, position=link.position
        )
    for link in industry.assignment.unit_links.all():
        AssignmentUnit.objects.create(
            assignment=own, unit=link.unit, role=link.role, position=link.position
        )
    emerging = Category.objects.get(code="emerging")
    response = post_industry(client, industry, category=emerging.pk, assignment=own.pk)
    assert response.status_code == 302, text_of(response.content.decode())[-800:]
    industry.refresh_from_db()
    assert (industry.category.code, industry.assignment.code) == ("emerging", industry.code)
