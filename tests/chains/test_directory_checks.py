"""Issue 13, never exercised: the key-enterprise directory's row checks (credit code, district,
industry, tiers and their years, duplicates), through the statistics page: each bad row gets its
own Chinese message, nothing is written, and the corrected file then imports."""

import datetime

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chains import creditcode
from chains.models import Enterprise, EnterpriseTier, FigureImport, Industry, SubSegment
from tests.chains.stats_files import credit_code

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "所在区",
    "产业",
    "细分领域",
    "是否规上",
    "国家高新技术企业",
    '专精特新"小巨人"',
]


def directory(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年重点企业名录"])  # row 1
    ws.append(HEADER)  # row 2: data starts on row 3
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def upload(client, path):
    client.post(reverse("stats:home"), {"file": SimpleUploadedFile(path.name, path.read_bytes())})
    return FigureImport.objects.latest("pk")


def ok_industry():
    return Industry.objects.get(name="电子信息产业集群")


def wrong_check_character(code: str) -> str:
    body = code[:17]
    right = creditcode.check_character(body)
    return body + next(ch for ch in creditcode.ALPHABET if ch != right)


def test_each_kind_of_bad_row_is_named_and_nothing_is_written(stats_db, client, tmp_path):
    codes = [credit_code(100 + i) for i in range(10)]
    next_year = datetime.date.today().year + 1
    ok = ("厦门甲科技有限公司", codes[0], "思明区", "电子信息产业集群", None, "是", 2021, 2023)
    rows = [
        ok,  # row 3: fine
        (
            "厦门乙有限公司",
            wrong_check_character(codes[1]),
            "思明区",
            "电子信息产业集群",
            None,
            "是",
            None,
            None,
        ),  # 4
        (
            "厦门丙有限公司",
            codes[2][:16],
            "思明区",
            "电子信息产业集群",
            None,
            "是",
            None,
            None,
        ),  # 5
        (
            "厦门丁有限公司",
            codes[3][:17] + "I",
            "思明区",
            "电子信息产业集群",
            None,
            "是",
            None,
            None,
        ),  # 6
        ("厦门戊有限公司", None, "思明区", "电子信息产业集群", None, "是", None, None),  # 7
        ("厦门甲科技有限公司", codes[0], "思明区", "电子信息产业集群", None, "是", 2021, 2023),  # 8
        ("厦门己有限公司", codes[4], "鼓浪屿区", "电子信息产业集群", None, "是", None, None),  # 9
        ("厦门庚有限公司", codes[5], "湖里区", "量子产业", None, "是", None, None),  # 10
        ("厦门辛有限公司", codes[6], "湖里区", "电子信息产业集群", None, "是", "去年", None),  # 11
        (
            "厦门壬有限公司",
            codes[7],
            "湖里区",
            "电子信息产业集群",
            None,
            "是",
            None,
            next_year,
        ),  # 12
        (
            "厦门癸有限公司",
            codes[8],
            "湖里区",
            "电子信息产业集群",
            "量子芯片",
            "是",
            None,
            None,
        ),  # 13
        ("厦门子有限公司", codes[9], "湖里区", "电子信息产业集群", None, "也许", None, None),  # 14
        (None, credit_code(200), "湖里区", "电子信息产业集群", None, "是", None, None),  # 15
    ]
    path = directory(tmp_path / "名录.xlsx", rows)
    client.force_login(stats_db["stats"])
    record = upload(client, path)
    assert record.status == "refused"
    bad1, short, illegal = rows[1][1], rows[2][1], rows[3][1]
    assert record.errors == [
        f"第 4 行：统一社会信用代码「{bad1}」校验位不正确。",
        f"第 5 行：统一社会信用代码应为 18 位，「{short}」为 16 位。",
        f"第 6 行：统一社会信用代码「{illegal}」含有不允许的字符：I。",
        "第 7 行：缺少统一社会信用代码。",
        "第 8 行：与第 3 行重复（同一统一社会信用代码）。",
        "第 9 行：未知的区「鼓浪屿区」。",
        "第 10 行：未知产业「量子产业」。",
        "第 11 行：G列应填认定年份（如 2023），而不是「去年」。",
        f"第 12 行：H列应填认定年份（如 2023），而不是「{next_year}」。",
        "第 13 行：该产业下没有细分领域「量子芯片」。",
        "第 14 行：“是否规上”应填“是”或“否”，而不是「也许」。",
        "第 15 行：缺少企业名称。",
    ]
    page = client.get(reverse("stats:import", args=[record.pk])).content.decode()
    assert "第 9 行：未知的区「鼓浪屿区」。" in page and "第 15 行：缺少企业名称。" in page
    # Importing the refused record anyway writes nothing.
    client.post(reverse("stats:import", args=[record.pk]))
    assert FigureImport.objects.get(pk=record.pk).status == "refused"
    assert not Enterprise.objects.exists() and not EnterpriseTier.objects.exists()

    # The corrected directory imports, with its tiers and the years they were granted.
    good = [
        ok,
        ("厦门乙有限公司", codes[1], "集美区", "机械装备产业集群", None, "否", None, None),
        ("厦门辛有限公司", codes[6], "湖里区", "电子信息产业集群", None, "是", "2019年", None),
    ]
    record = upload(client, directory(tmp_path / "名录2.xlsx", good))
    assert (record.status, record.errors, record.rows_added) == ("preview", [], 3)
    assert not Enterprise.objects.exists()  # the preview writes nothing either
    client.post(reverse("stats:import", args=[record.pk]))
    assert FigureImport.objects.get(pk=record.pk).status == "applied"
    assert set(
        Enterprise.objects.values_list("credit_code", "name", "district__name", "above_size")
    ) == {
        (codes[0], "厦门甲科技有限公司", "思明区", True),
        (codes[1], "厦门乙有限公司", "集美区", False),
        (codes[6], "厦门辛有限公司", "湖里区", True),
    }
    assert set(EnterpriseTier.objects.values_list("enterprise__credit_code", "tier", "year")) == {
        (codes[0], "high_tech", 2021),
        (codes[0], "little_giant", 2023),
        (codes[6], "high_tech", 2019),
    }

    # The next year's directory: one enterprise as it was, one moved to another district, one
    # given its sub-segment and a tier recognised in 1985 (the earliest year taken), and a new
    # one whose first tier year is wrong and whose second is right (both are read).
    SubSegment.objects.create(industry=ok_industry(), name="集成电路", position=1)
    third = [
        ok,
        ("厦门乙有限公司", codes[1], "海沧区", "机械装备产业集群", None, "否", None, None),
        ("厦门辛有限公司", codes[6], "湖里区", "电子信息产业集群", "集成电路", "是", 1985, None),
        ("厦门丑有限公司", codes[2], "湖里区", "电子信息产业集群", None, "是", "1984", 2024),
    ]
    record = upload(client, directory(tmp_path / "名录3.xlsx", third))
    assert record.errors == ["第 6 行：G列应填认定年份（如 2023），而不是「1984」。"]
    fixed = [
        *third[:3],
        (*third[3][:6], None, 2024),
        ("厦门寅有限公司", codes[3], None, "机械装备产业集群", None, "否", None, None),  # no 区
    ]
    record = upload(client, directory(tmp_path / "名录4.xlsx", fixed))
    assert (record.rows_added, record.rows_changed, record.rows_unchanged) == (2, 2, 1)
    client.post(reverse("stats:import", args=[record.pk]))
    # The same directory again: nothing to change, the enterprise with no district included.
    record = upload(client, directory(tmp_path / "名录5.xlsx", fixed))
    assert (record.rows_added, record.rows_changed, record.rows_unchanged) == (0, 0, 5)
    xin = Enterprise.objects.get(credit_code=codes[6])
    assert xin.subsegment.name == "集成电路"
    assert set(xin.tiers.values_list("tier", "year")) == {("high_tech", 1985)}
    assert Enterprise.objects.get(credit_code=codes[1]).district.name == "海沧区"


def test_a_directory_without_its_columns_is_refused_for_the_whole_file(stats_db, client, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年重点企业名录"])
    ws.append(["企业名称", "所在区", "是否规上"])
    ws.append(["厦门甲科技有限公司", "思明区", "是"])
    wb.save(tmp_path / "缺列.xlsx")
    client.force_login(stats_db["stats"])
    record = upload(client, tmp_path / "缺列.xlsx")
    assert record.status == "refused"
    assert record.errors == ["缺少“产业”列。", "缺少“统一社会信用代码”列。"]
