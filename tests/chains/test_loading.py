"""Loading commands run at every start (docker compose, `make run`): they fill empty tables on
the first boot and never undo what an administrator changed since. Replacing loaded data from a
file must be asked for (--replace), says what changes and is recorded."""

import json

import pytest
from django.core.management import call_command

from chains.choices import LoadedTable
from chains.matrix.selectors import matrix_rows
from chains.matrix.services import industry_assign
from chains.models import Assignment, AssignmentUnit, Category, Indicator, Industry, MatrixChange


def row(name: str) -> dict:
    return next(r for r in matrix_rows() if r["industry"] == name)


@pytest.fixture
def reshuffled(matrix):
    """After a reshuffle an administrator names 黄燕添 to lead 电子信息 instead of 黄晓舟."""
    industry_assign(
        industry=Industry.objects.get(name="电子信息产业集群"),
        lead_officials=["黄燕添"],
        lead_units=["市工信局"],
        responsible_units=["市发改委", "市科技局"],
    )
    return row("电子信息产业集群")


def test_a_restart_keeps_an_administrators_change(reshuffled, capsys):
    before = matrix_rows()
    call_command("load_matrix")  # what every start of the web container runs
    out = capsys.readouterr().out
    assert "分工矩阵已载入" in out
    assert "--replace" in out
    assert matrix_rows() == before
    assert row("电子信息产业集群")["lead_officials"] == ["黄燕添"]
    assert not MatrixChange.objects.filter(replaced=True).exists()  # only the first load


def test_the_first_load_fills_an_empty_matrix_and_is_recorded(db, capsys):
    call_command("load_matrix")
    assert "已载入分工矩阵" in capsys.readouterr().out
    assert row("电子信息产业集群")["lead_officials"] == ["黄晓舟"]
    record = MatrixChange.objects.get()
    assert (record.table, record.replaced, record.before) == (LoadedTable.MATRIX, False, [])
    assert record.after == matrix_rows()
    assert "load_matrix" in record.actor_name


def test_replace_shows_each_industrys_change_and_records_it(reshuffled, users, capsys):
    call_command("load_matrix", "--replace", "--user", users["admin"].username)
    out = capsys.readouterr().out
    assert "电子信息产业集群：\n" in out
    assert "牵头市领导：黄燕添 → 黄晓舟" in out
    assert "牵头单位：无变化" in out
    assert (
        "责任单位：市发改委、市科技局 → 市发改委、市科技局、思明区、湖里区、集美区、海沧区、"
        "同安区、翔安区、火炬管委会"
    ) in out
    assert "机械装备产业集群：无变化" in out
    assert "已替换分工矩阵" in out
    assert row("电子信息产业集群")["lead_officials"] == ["黄晓舟"]

    record = MatrixChange.objects.get(replaced=True)
    assert record.actor == users["admin"]
    assert record.source.endswith("matrix.json")
    old = next(r for r in record.before if r["industry"] == "电子信息产业集群")
    new = next(r for r in record.after if r["industry"] == "电子信息产业集群")
    assert (old["lead_officials"], new["lead_officials"]) == (["黄燕添"], ["黄晓舟"])
    assert "  牵头市领导：黄燕添 → 黄晓舟" in record.changes


def test_dry_run_shows_the_change_and_keeps_the_matrix(reshuffled, capsys):
    call_command("load_matrix", "--dry-run")
    out = capsys.readouterr().out
    assert "牵头市领导：黄燕添 → 黄晓舟" in out
    assert "试运行" in out
    assert row("电子信息产业集群") == reshuffled
    assert not MatrixChange.objects.filter(replaced=True).exists()  # only the first load


def test_a_refused_replacement_records_nothing(reshuffled, tmp_path):
    path = tmp_path / "bad.json"
    rows = [dict(r) for r in matrix_rows()]
    rows[0]["lead_units"] = ["市宇航局"]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Exception, match="未做任何更改"):
        call_command("load_matrix", str(path), "--replace")
    assert row("电子信息产业集群") == reshuffled
    assert not MatrixChange.objects.filter(replaced=True).exists()  # only the first load


def test_unknown_user_is_refused(matrix):
    with pytest.raises(Exception, match="没有用户名为「nobody」的账号"):
        call_command("load_matrix", "--replace", "--user", "nobody")


def test_indicators_load_once_then_only_with_replace(db, capsys):
    call_command("load_indicators")
    assert MatrixChange.objects.get().table == LoadedTable.INDICATORS
    capsys.readouterr()
    # An administrator renames an indicator and adds an alias.
    Indicator.objects.filter(code="revenue-month").update(name="营业收入（主营）", aliases="营收")

    call_command("load_indicators")
    out = capsys.readouterr().out
    assert "统计指标已载入" in out and "--replace" in out
    assert Indicator.objects.get(code="revenue-month").name == "营业收入（主营）"
    assert MatrixChange.objects.count() == 1

    call_command("load_indicators", "--replace")
    out = capsys.readouterr().out
    assert "营业收入（revenue-month）：\n" in out
    assert "名称：营业收入（主营） → 营业收入" in out
    assert "别名：营收 → 营收,主营业务收入" in out
    assert "计量单位：无变化" in out
    assert "工业总产值（output-month）：无变化" in out
    assert Indicator.objects.get(code="revenue-month").name == "营业收入"
    record = MatrixChange.objects.filter(replaced=True).get()
    assert record.table == LoadedTable.INDICATORS
    assert any(r["name"] == "营业收入（主营）" for r in record.before)


def test_the_admin_shows_the_record(reshuffled, users, client):
    call_command("load_matrix", "--replace")
    record = MatrixChange.objects.get(replaced=True)
    client.force_login(users["admin"])
    html = client.get(
        f"/admin/chains/matrixchange/{record.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "牵头市领导：黄燕添 → 黄晓舟" in html


def test_an_indicators_dry_run_lists_the_changes_and_keeps_the_table(db, capsys):
    call_command("load_indicators")
    Indicator.objects.filter(code="revenue-month").update(name="营业收入（主营）")
    capsys.readouterr()
    call_command("load_indicators", "--dry-run")
    out = capsys.readouterr().out
    assert "名称：营业收入（主营） → 营业收入" in out and "试运行" in out
    assert Indicator.objects.get(code="revenue-month").name == "营业收入（主营）"
    assert MatrixChange.objects.count() == 1  # the first load only


def test_an_industry_moved_among_the_future_six_shares_their_assignment(matrix):
    """An administrator moves 生物医药 into 未来产业: once its members are set it shares the
    one assignment of the future six, and its own, used by nothing, is removed. Setting the
    same members again changes nothing (the links are not rewritten)."""
    biomedicine = Industry.objects.get(code="biomedicine")
    own = biomedicine.assignment_id
    Industry.objects.filter(pk=biomedicine.pk).update(category=Category.objects.get(code="future"))
    biomedicine.refresh_from_db()
    shared = Industry.objects.get(code="future-networks").assignment
    members = {
        key: row("未来网络")[key] for key in ("lead_officials", "lead_units", "responsible_units")
    }
    assert industry_assign(industry=biomedicine, **members)
    biomedicine.refresh_from_db()
    assert biomedicine.assignment_id == shared.pk
    assert not Assignment.objects.filter(pk=own).exists()
    assert row("生物医药产业")["lead_units"] == members["lead_units"]

    links = list(AssignmentUnit.objects.filter(assignment=shared).values_list("pk", flat=True))
    assert not industry_assign(industry=biomedicine, **members)
    assert (
        list(AssignmentUnit.objects.filter(assignment=shared).values_list("pk", flat=True)) == links
    )
