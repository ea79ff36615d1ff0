import csv
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from chains.matrix.selectors import matrix_rows
from chains.models import (
    AssignmentUnit,
    Industry,
    IndustryGroupObjectPermission,
    MatrixChange,
    Unit,
)
from tests.chains.expected_matrix import EXPECTED


def export(fmt: str, tmp_path) -> bytes:
    out = tmp_path / f"matrix.{fmt}"
    call_command("export_matrix", "--format", fmt, "-o", str(out))
    return out.read_bytes()


def snapshot():
    """Everything a matrix load may change, to prove a refused file changed nothing."""
    return (
        matrix_rows(),
        sorted(Unit.objects.values_list("name", "name_en", "kind")),
        sorted(
            IndustryGroupObjectPermission.objects.values_list(
                "group__name", "permission__codename", "content_object__name"
            )
        ),
    )


def test_export_json_matches_the_source_exactly(matrix, tmp_path):
    assert json.loads(export("json", tmp_path)) == EXPECTED


def test_export_to_stdout(matrix, capsys):
    call_command("export_matrix", "--format", "json")
    assert json.loads(capsys.readouterr().out) == EXPECTED


def test_load_matrix_twice_changes_nothing(matrix, capsys):
    before = snapshot()
    ids = sorted(AssignmentUnit.objects.values_list("pk", flat=True))
    call_command("load_matrix", "--replace")
    out = capsys.readouterr().out
    assert "新增 0，更新 0" in out
    assert "与现有数据相比：无变化" in out
    assert snapshot() == before
    # Not rewritten either: the link rows are the very same rows.
    assert sorted(AssignmentUnit.objects.values_list("pk", flat=True)) == ids
    assert not MatrixChange.objects.filter(replaced=True).exists()


def test_csv_export_joins_names_and_lists_districts(matrix, tmp_path):
    text = export("csv", tmp_path).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["industry"] for r in rows] == [r["industry"] for r in EXPECTED]
    assert (
        rows[0]["responsible_units"]
        == "市发改委、市科技局、思明区、湖里区、集美区、海沧区、同安区、翔安区、火炬管委会"
    )


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_round_trip(matrix, tmp_path, fmt):
    """Changing the matrix, then loading an earlier export, gives back the same matrix."""
    saved = tmp_path / f"saved.{fmt}"
    saved.write_bytes(export(fmt, tmp_path))
    before = snapshot()
    AssignmentUnit.objects.filter(unit__name="火炬管委会").delete()
    assert snapshot() != before
    call_command("load_matrix", str(saved), "--replace")
    assert snapshot() == before
    call_command("load_matrix", str(saved), "--replace")  # and again: nothing more to do
    assert snapshot() == before


def test_matrix_change_by_file_moves_permissions(users, tmp_path):
    """A unit that stops leading an industry loses the right to file for it, at once."""
    gxj = users["gxj"]
    rows = [dict(r) for r in EXPECTED]
    rows[0]["lead_units"] = ["市科技局"]
    rows[0]["responsible_units"] = ["市发改委", "市工信局"]
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    electronics = Industry.objects.get(name="电子信息产业集群")
    assert User.objects.get(pk=gxj.pk).has_perm("chains.file_industry", electronics)
    call_command("load_matrix", str(path), "--replace")
    assert not User.objects.get(pk=gxj.pk).has_perm("chains.file_industry", electronics)
    assert User.objects.get(pk=gxj.pk).has_perm("chains.contribute_industry", electronics)
    assert User.objects.get(pk=users["kjj"].pk).has_perm("chains.file_industry", electronics)


def write_csv(
    path,
    rows,
    headers=("category", "industry", "lead_officials", "lead_units", "responsible_units"),
):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


GOOD = ["pillar", "电子信息产业集群", "黄晓舟", "市工信局", "市发改委、市科技局"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "unknown-unit.csv",
            [GOOD, ["pillar", "机械装备产业集群", "黄晓舟", "市工信局", "市发改委、市宇航局"]],
            "第 3 行 responsible_units：未知的责任单位：市宇航局",
        ),
        (
            "unknown-official.csv",
            [["pillar", "电子信息产业集群", "张三", "市工信局", "市发改委"]],
            "未知的牵头市领导：张三",
        ),
        (
            "unknown-industry.csv",
            [["pillar", "量子计算", "黄晓舟", "市工信局", "市发改委"]],
            "未知的产业「量子计算」",
        ),
        (
            "bad-category.csv",
            [["支柱", "电子信息产业集群", "黄晓舟", "市工信局", "市发改委"]],
            "未知的产业类别「支柱」",
        ),
        (
            "no-lead.csv",
            [["pillar", "电子信息产业集群", "黄晓舟", "", "市发改委"]],
            "至少需要一个牵头单位",
        ),
        (
            "lead-and-responsible.csv",
            [["pillar", "电子信息产业集群", "黄晓舟", "市工信局", "市工信局、市发改委"]],
            "不能既是牵头单位又是责任单位",
        ),
        ("duplicate-row.csv", [GOOD, GOOD], "同一产业出现在多行：电子信息产业集群"),
        (
            "future-disagree.csv",
            [
                ["future", "未来网络", "黄晓舟", "市科技局", "市发改委"],
                ["future", "氢能与储能", "黄晓舟", "市工信局", "市发改委"],
            ],
            "六个未来产业共用一套分工",
        ),
    ],
)
def test_bad_rows_change_nothing_and_say_why(matrix, tmp_path, capsys, name, content, message):
    before = snapshot()
    path = write_csv(tmp_path / name, content)
    with pytest.raises(CommandError, match="未做任何更改"):
        call_command("load_matrix", str(path), "--replace")
    assert message in capsys.readouterr().err
    assert snapshot() == before


def test_good_rows_are_not_kept_when_another_row_is_bad(matrix, tmp_path):
    before = snapshot()
    changed = [
        "pillar",
        "电子信息产业集群",
        "黄晓舟",
        "市工信局",
        "市发改委",
    ]  # valid, would drop units
    path = write_csv(
        tmp_path / "mixed.csv",
        [changed, ["pillar", "机械装备产业集群", "黄晓舟", "市无名局", "市发改委"]],
    )
    with pytest.raises(CommandError):
        call_command("load_matrix", str(path), "--replace")
    assert snapshot() == before


def test_missing_column(matrix, tmp_path, capsys):
    before = snapshot()
    path = write_csv(
        tmp_path / "cols.csv",
        [GOOD[:4]],
        headers=("category", "industry", "lead_officials", "lead_units"),
    )
    with pytest.raises(CommandError):
        call_command("load_matrix", str(path), "--replace")
    assert "缺少列：responsible_units" in capsys.readouterr().err
    assert snapshot() == before


def test_empty_sheet(matrix, tmp_path, capsys):
    before = snapshot()
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(CommandError):
        call_command("load_matrix", str(path), "--replace")
    assert "文件是空的" in capsys.readouterr().err
    assert snapshot() == before


def test_header_only_sheet(matrix, tmp_path, capsys):
    path = write_csv(tmp_path / "header.csv", [])
    with pytest.raises(CommandError):
        call_command("load_matrix", str(path), "--replace")
    assert "文件中没有数据行" in capsys.readouterr().err


def test_not_a_spreadsheet(matrix, tmp_path):
    before = snapshot()
    path = tmp_path / "matrix.xlsx"
    path.write_bytes(b"%PDF-1.4 this is not a workbook")
    with pytest.raises(CommandError, match="无法读取 Excel 文件"):
        call_command("load_matrix", str(path), "--replace")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("matrix.txt", b"hello", "不支持的文件类型"),
        ("matrix.json", b"{not json", "无法读取 JSON 文件"),
        ("matrix.json", b'{"industries": 3}', "JSON 文件应为产业行的列表"),
        ("blank.csv", b"   ", "文件是空的"),
    ],
)
def test_unreadable_files(matrix, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        call_command("load_matrix", str(path), "--replace")


def test_missing_file(matrix):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_matrix", "/nonexistent/matrix.xlsx", "--replace")


def test_gb18030_csv_from_chinese_excel(matrix, tmp_path):
    text = "category,industry,lead_officials,lead_units,responsible_units\n" + ",".join(
        ["pillar", "电子信息产业集群", "黄晓舟", "市工信局", "市发改委、各区"]
    )
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gb18030"))
    call_command("load_matrix", str(path), "--replace")
    row = next(r for r in matrix_rows() if r["industry"] == "电子信息产业集群")
    # 各区 in a file means the six districts, stored one by one.
    assert row["responsible_units"] == [
        "市发改委",
        "思明区",
        "湖里区",
        "集美区",
        "海沧区",
        "同安区",
        "翔安区",
    ]


def test_dry_run_changes_nothing(matrix, tmp_path, capsys):
    before = snapshot()
    path = write_csv(
        tmp_path / "dry.csv", [["pillar", "电子信息产业集群", "黄晓舟", "市工信局", "市发改委"]]
    )
    call_command("load_matrix", str(path), "--dry-run")
    assert "试运行" in capsys.readouterr().out
    assert snapshot() == before
