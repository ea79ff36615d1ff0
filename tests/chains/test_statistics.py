"""Statistics imports: layouts bureaus send, every bad input refused with its reason and an
unchanged database, revisions, the credit code, and access for each role."""

import datetime
import zipfile
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from chains import creditcode
from chains.figures import reading, validating, writing
from chains.figures.selectors import import_changes, industry_figures
from chains.models import (
    Enterprise,
    EnterpriseFigure,
    FigureImport,
    Indicator,
    Industry,
    IndustryFigure,
    SubSegment,
)
from tests.chains.stats_files import (
    credit_code,
    enterprise_directory,
    enterprise_figures,
    industry_workbook,
    month_file,
)

ROWS = [
    ("电子信息产业集群", None, None, "1,234.5", "9,876", "12.5", 800, 7000),
    ("机械装备", None, "思明区", 500, 4500, "—", "-", None),
    ("新材料产业", None, None, 300, 2800, 3.2, 350, 3100),
]


def state():
    """Everything an import may write."""
    return (
        sorted(
            IndustryFigure.objects.values_list(
                "industry_id", "indicator_id", "year", "month", "value", "is_current"
            )
        ),
        sorted(
            EnterpriseFigure.objects.values_list(
                "enterprise_id", "indicator_id", "year", "month", "value", "is_current"
            )
        ),
        sorted(Enterprise.objects.values_list("credit_code", "name")),
        FigureImport.objects.filter(status="applied").count(),
    )


def run(path, *args):
    call_command("import_statistics", str(path), "--user", "stats", *args)


# --- the credit code ---------------------------------------------------------------------------


def test_credit_code_check_character():
    code = credit_code(1)
    assert creditcode.problem(code) is None
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert "校验位" in creditcode.problem(wrong)
    assert "18 位" in creditcode.problem(code[:17])
    assert "不允许的字符" in creditcode.problem("I" + code[1:])
    # A published example of GB 32100-2015; more known answers in test_creditcode.py.
    assert creditcode.check_character("91350100M000100Y4") == "3"
    assert creditcode.normalise(" 91350200ma2xyz ") == "91350200MA2XYZ"


# --- industry figures ----------------------------------------------------------------------------


def test_bureau_layout_imports(stats_db, tmp_path, capsys):
    run(industry_workbook(tmp_path / "ind.xlsx", ROWS))
    out = capsys.readouterr().out
    assert "2025年9月" in out and "跳过合计行 1 行" in out
    electronics = Industry.objects.get(name="电子信息产业集群")
    figures = {
        f.indicator.code: f
        for f in IndustryFigure.objects.filter(industry=electronics).select_related("indicator")
    }
    assert figures["output-month"].value == Decimal("1234.5")  # thousands separator
    assert figures["output-ytd"].value == Decimal("9876") and figures["output-ytd"].yoy == Decimal(
        "12.5"
    )
    machinery = IndustryFigure.objects.filter(
        industry__name="机械装备产业集群"
    )  # short name matched
    assert machinery.get(indicator__code="output-month").district.name == "思明区"
    assert not machinery.filter(indicator__code="revenue-month").exists()  # "-" means missing


def test_dry_run_writes_nothing(stats_db, tmp_path, capsys):
    before = state()
    run(industry_workbook(tmp_path / "ind.xlsx", ROWS), "--dry-run")
    assert "试运行" in capsys.readouterr().out
    assert state() == before


def test_reimport_makes_a_new_revision_and_keeps_the_old(stats_db, tmp_path):
    run(industry_workbook(tmp_path / "v1.xlsx", ROWS))
    first = FigureImport.objects.get()
    changed = [("电子信息产业集群", None, None, "1,300", "9,876", "12.5", 800, 7000), *ROWS[1:]]
    run(industry_workbook(tmp_path / "v2.xlsx", changed))
    second = FigureImport.objects.exclude(pk=first.pk).get()
    assert (second.rows_changed, second.rows_unchanged) == (1, 9)
    current = IndustryFigure.objects.get(
        is_current=True, industry__name="电子信息产业集群", indicator__code="output-month"
    )
    old = IndustryFigure.objects.get(
        is_current=False, industry__name="电子信息产业集群", indicator__code="output-month"
    )
    assert current.value == Decimal("1300") and current.source == second
    assert old.value == Decimal("1234.5") and old.source == first and old.superseded_by == second
    changes = import_changes(second)
    assert (changes["changed"], changes["added"]) == (1, 0)
    (change,) = changes["rows"]
    assert change["before"][0] == Decimal("1234.5") and change["after"][0] == Decimal("1300")
    assert change["names"] == ["电子信息产业集群"] and change["month"] == "2025年9月"
    assert change["indicator"].code == "output-month"
    assert first.file.read().startswith(b"PK")  # the file itself is kept


def test_yoy_computed_when_last_year_exists(stats_db, tmp_path):
    run(
        industry_workbook(
            tmp_path / "2024.xlsx",
            [("电子信息产业集群", None, None, 1000, 9000, None, 700, 6000)],
            title="2024年1-9月",
        )
    )
    run(
        industry_workbook(
            tmp_path / "2025.xlsx", [("电子信息产业集群", None, None, 1100, 9900, None, 770, 6600)]
        )
    )
    data = industry_figures(Industry.objects.get(name="电子信息产业集群"), 2025)
    row = next(r for r in data["monthly"] if r["indicator"].code == "output-month")
    assert row["cells"][0]["computed"] and round(row["cells"][0]["yoy"], 1) == Decimal("10.0")


# --- bad input: each refused with its reason, nothing written ----------------------------------------


def assert_refused(capsys, path, message, *args):
    before = state()
    with pytest.raises(CommandError) as error:
        run(path, *args)
    said = capsys.readouterr().err + str(error.value)
    assert message in said, said
    assert state() == before


def test_not_a_spreadsheet(stats_db, tmp_path, capsys):
    path = tmp_path / "figures.xlsx"
    path.write_bytes(b"%PDF-1.7 not a workbook")
    assert_refused(capsys, path, "不是 Excel 工作簿")


def test_password_protected_workbook(stats_db, tmp_path, capsys):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 512
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 512
    )
    assert_refused(capsys, path, "密码")


def test_old_xls_workbook(stats_db, tmp_path, capsys):
    path = tmp_path / "figures.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    assert_refused(capsys, path, "旧版 Excel（xls）")


def test_corrupt_workbook(stats_db, tmp_path, capsys):
    good = industry_workbook(tmp_path / "good.xlsx", ROWS).read_bytes()
    path = tmp_path / "broken.xlsx"
    path.write_bytes(good[: len(good) // 2])
    assert_refused(capsys, path, "损坏")


def test_zip_bomb(stats_db, tmp_path, capsys):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                sheet.write(chunk)
    assert path.stat().st_size < 1_000_000
    assert_refused(capsys, path, "压缩炸弹")


def test_xml_bomb(stats_db, tmp_path, capsys):
    good = industry_workbook(tmp_path / "good.xlsx", ROWS)
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                body = data.split(b"?>", 1)[-1]
                data = (
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
                    + body
                )
            target.writestr(item, data)
    assert_refused(capsys, path, "XML")
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # openpyxl itself refuses XML bombs too


def test_million_blank_rows(stats_db, tmp_path, capsys, settings):
    settings.STATS_MAX_COMPRESSION_RATIO = 100_000  # let the row check speak, not the ratio
    good = industry_workbook(tmp_path / "good.xlsx", ROWS)
    path = tmp_path / "blank.xlsx"
    with (
        zipfile.ZipFile(good) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                blank = b"".join(
                    b'<row r="%d"><c r="A%d" t="inlineStr"><is><t></t></is></c></row>' % (i, i)
                    for i in range(20, 1_000_020)
                )
                data = data.replace(b"</sheetData>", blank + b"</sheetData>")
            target.writestr(item, data)
    assert_refused(capsys, path, "超过单次导入上限")


def test_formulas_in_data_rows(stats_db, tmp_path, capsys):
    path = industry_workbook(
        tmp_path / "f.xlsx", [("电子信息产业集群", None, None, 100, "=D6*12", 1, 1, 1)], total=False
    )
    assert_refused(capsys, path, "第 6 行：E列是公式")


def test_merged_cells_in_data_rows(stats_db, tmp_path, capsys):
    path = industry_workbook(tmp_path / "m.xlsx", ROWS, total=False)
    workbook = openpyxl.load_workbook(path)
    workbook.active.merge_cells("D6:D7")
    workbook.save(path)
    assert_refused(capsys, path, "合并单元格（D6:D7）")


def test_text_in_number_column(stats_db, tmp_path, capsys):
    path = industry_workbook(
        tmp_path / "t.xlsx", [("电子信息产业集群", None, None, "约一千", 1, 1, 1, 1)]
    )
    assert_refused(capsys, path, "第 6 行：D列「工业总产值」不是数字：「约一千」")


def test_unknown_industry(stats_db, tmp_path, capsys):
    path = industry_workbook(tmp_path / "u.xlsx", [("量子计算", None, None, 1, 1, 1, 1, 1)])
    assert_refused(capsys, path, "第 6 行：未知产业「量子计算」")


def test_unknown_subsegment(stats_db, tmp_path, capsys):
    SubSegment.objects.create(
        industry=Industry.objects.get(name="电子信息产业集群"), name="集成电路"
    )
    path = industry_workbook(
        tmp_path / "s.xlsx",
        [
            ("电子信息产业集群", "集成电路", None, 1, 1, 1, 1, 1),
            ("电子信息产业集群", "量子芯片", None, 1, 1, 1, 1, 1),
        ],
    )
    assert_refused(capsys, path, "第 7 行：该产业下没有细分领域「量子芯片」")


def test_duplicate_rows(stats_db, tmp_path, capsys):
    path = industry_workbook(tmp_path / "d.xlsx", [ROWS[0], ROWS[0]])
    assert_refused(capsys, path, "第 7 行：与第 6 行重复")


def test_month_in_the_future(stats_db, tmp_path, capsys):
    future = datetime.date.today().year + 1
    path = industry_workbook(
        tmp_path / "future.xlsx", ROWS, title=f"{future}年1-3月厦门市重点产业主要指标"
    )
    assert_refused(capsys, path, "还没有到")


def test_unknown_indicator(stats_db, tmp_path, capsys):
    path = industry_workbook(tmp_path / "i.xlsx", ROWS)
    workbook = openpyxl.load_workbook(path)
    workbook.active["G3"] = "出口交货值"
    workbook.save(path)
    assert_refused(capsys, path, "未知指标「出口交货值」")


def test_csv_in_gb18030(stats_db, tmp_path):
    text = '2025年9月\n产业,工业总产值当月(万元),工业总产值累计(万元)\n电子信息产业集群,"1,000",9000\n合计,1000,9000\n'
    path = tmp_path / "figures.csv"
    path.write_bytes(text.encode("gb18030"))
    run(path)
    assert IndustryFigure.objects.get(indicator__code="output-month").value == Decimal("1000")


# --- enterprises ---------------------------------------------------------------------------------


def test_enterprise_directory_and_figures(stats_db, tmp_path):
    codes = [credit_code(i) for i in range(3)]
    enterprise_directory(
        tmp_path / "dir.xlsx",
        [
            ("厦门甲科技有限公司", codes[0], "思明区", "电子信息产业集群", "是", 2021, 2023),
            ("厦门乙装备有限公司", codes[1], "集美区", "机械装备产业集群", "否", None, None),
            ("厦门丙材料有限公司", codes[2], "海沧区", "新材料产业", "是", 2019, None),
        ],
    )
    run(tmp_path / "dir.xlsx")
    first = Enterprise.objects.get(credit_code=codes[0])
    assert first.above_size and {t.tier: t.year for t in first.tiers.all()} == {
        "high_tech": 2021,
        "little_giant": 2023,
    }
    enterprise_figures(
        tmp_path / "ef.xlsx",
        [(codes[0], "甲", 500, 4000, 8.8), (codes[1], "乙", "1,200", 11000, None)],
    )
    run(tmp_path / "ef.xlsx")
    assert EnterpriseFigure.objects.get(
        enterprise=first, indicator__code="revenue-ytd"
    ).yoy == Decimal("8.8")


def test_reimporting_the_directory_keeps_candidates_and_promotes_those_granted(stats_db, tmp_path):
    from chains.models import EnterpriseTier

    code = credit_code(0)
    row = ("厦门甲科技有限公司", code, "思明区", "电子信息产业集群", "是", 2021, None)
    enterprise_directory(tmp_path / "dir.xlsx", [row])
    run(tmp_path / "dir.xlsx")
    firm = Enterprise.objects.get(credit_code=code)
    EnterpriseTier.objects.create(
        enterprise=firm, tier="little_giant", stage="candidate", year=2024
    )
    EnterpriseTier.objects.create(enterprise=firm, tier="unicorn", stage="candidate", year=2025)
    # The same directory again: nothing changes, the candidates stay.
    run(tmp_path / "dir.xlsx")
    record = FigureImport.objects.latest("pk")
    assert (record.rows_changed, record.rows_unchanged) == (0, 1)
    # The bureau now lists the little-giant title: that candidate is promoted, the other stays.
    enterprise_directory(tmp_path / "dir2.xlsx", [(*row[:6], 2026)])
    run(tmp_path / "dir2.xlsx")
    assert set(firm.tiers.values_list("tier", "stage", "year")) == {
        ("high_tech", "recognised", 2021),
        ("little_giant", "recognised", 2026),
        ("unicorn", "candidate", 2025),
    }


def test_enterprise_bad_code_and_unknown_enterprise(stats_db, tmp_path, capsys):
    bad = credit_code(5)[:17] + "0"
    if creditcode.problem(bad) is None:
        bad = credit_code(5)[:17] + "1"
    enterprise_directory(
        tmp_path / "dir.xlsx",
        [("厦门丁有限公司", bad, "思明区", "电子信息产业集群", "是", None, None)],
    )
    assert_refused(capsys, tmp_path / "dir.xlsx", "校验位不正确")
    enterprise_figures(tmp_path / "ef.xlsx", [(credit_code(9), "无名企业", 1, 1, 1)])
    assert_refused(capsys, tmp_path / "ef.xlsx", "不在重点企业名录中")


def test_large_enterprise_file_is_read_and_written_in_bulk(
    stats_db, tmp_path, django_assert_max_num_queries
):
    codes = [credit_code(i) for i in range(300)]
    enterprise_directory(
        tmp_path / "dir.xlsx",
        [
            (f"企业{i}", c, "思明区", "电子信息产业集群", "是", None, None)
            for i, c in enumerate(codes)
        ],
    )
    run(tmp_path / "dir.xlsx")
    enterprise_figures(
        tmp_path / "ef.xlsx", [(c, f"企业{i}", i, i * 9, 1.5) for i, c in enumerate(codes)]
    )
    record = writing.upload_record(upload=_upload(tmp_path / "ef.xlsx"), user=stats_db["stats"])
    # Queries do not grow with rows: the plan reads lookups once, the write is bulk.
    with django_assert_max_num_queries(40):
        writing.apply(record)
    assert EnterpriseFigure.objects.filter(is_current=True).count() == 600


def _upload(path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(path.name, path.read_bytes())


def test_oversized_upload_is_refused_before_parsing(stats_db, tmp_path, capsys, settings):
    path = industry_workbook(tmp_path / "big.xlsx", ROWS)
    settings.STATS_MAX_UPLOAD_BYTES = path.stat().st_size - 1
    assert_refused(capsys, path, "超过了")


# --- layouts and revisions that once went wrong ------------------------------------------------------


def test_a_correction_file_replaces_only_its_own_figures(stats_db, tmp_path):
    run(
        month_file(
            tmp_path / "all.xlsx",
            [
                ("电子信息", "2025-08", 1),
                ("电子信息", "2025-09", 2),
                ("新材料", "2025-08", 3),
                ("新材料", "2025-09", 4),
            ],
        )
    )
    run(month_file(tmp_path / "fix.xlsx", [("电子信息", "2025-08", 10), ("新材料", "2025-09", 40)]))
    current = sorted(
        IndustryFigure.objects.filter(is_current=True).values_list(
            "industry__name", "month", "value"
        )
    )
    assert [(n, m, int(v)) for n, m, v in current] == [
        ("新材料产业", 8, 3),
        ("新材料产业", 9, 40),
        ("电子信息产业集群", 8, 10),
        ("电子信息产业集群", 9, 2),
    ]
    assert IndustryFigure.objects.filter(is_current=False).count() == 2


def test_a_date_in_the_first_data_row_is_data(stats_db, tmp_path):
    import datetime as dt

    run(
        month_file(
            tmp_path / "dates.xlsx",
            [("电子信息", dt.datetime(2025, 1, 1), 5), ("新材料", dt.datetime(2025, 11, 1), 6)],
        )
    )
    assert IndustryFigure.objects.count() == 2


def test_the_first_date_in_the_title_is_the_datas(stats_db, tmp_path):
    path = industry_workbook(
        tmp_path / "t.xlsx", ROWS, title="2025年1-9月重点产业主要指标（报送日期：2025年10月15日）"
    )
    run(path)
    assert set(IndustryFigure.objects.values_list("month", flat=True)) == {9}


def test_a_month_typed_as_a_number_is_refused(stats_db, tmp_path, capsys):
    assert_refused(capsys, month_file(tmp_path / "n.xlsx", [("电子信息", 2025.10, 1)]), "无法识别")


def test_same_indicator_twice_and_last_years_columns(stats_db, tmp_path, capsys):
    header = ("产业", "月份", "工业总产值当月(万元)", "产值当月(万元)")
    assert_refused(
        capsys,
        month_file(tmp_path / "dup.xlsx", [("电子信息", "2025-09", 1, 2)], header),
        "是同一指标",
    )
    header = ("产业", "月份", "工业总产值当月(万元)", "上年同期累计(万元)")
    assert_refused(
        capsys,
        month_file(tmp_path / "ly.xlsx", [("电子信息", "2025-09", 1, 2)], header),
        "上年数据不导入",
    )


def test_units_from_the_title_and_missing_units_refused(stats_db, tmp_path, capsys):
    header = ("产业", "月份", "工业总产值当月")
    run(
        month_file(tmp_path / "yi.xlsx", [("电子信息", "2025-09", 1.5)], header, title="单位：亿元")
    )
    assert IndustryFigure.objects.get().value == Decimal("15000")  # 1.5 亿元 = 15,000 万元
    assert_refused(
        capsys,
        month_file(
            tmp_path / "none.xlsx", [("新材料", "2025-09", 2)], header, title="厦门市主要经济指标"
        ),
        "没有注明单位",
    )


def test_header_merged_wider_than_the_data_does_not_crash(stats_db, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    path = month_file(tmp_path / "wide.xlsx", [("电子信息", "2025-09", 1)])
    workbook = openpyxl.load_workbook(path)
    workbook.active.merge_cells("C2:H2")
    workbook.save(path)
    client.force_login(stats_db["stats"])
    response = client.post(
        reverse("stats:home"), {"file": SimpleUploadedFile("wide.xlsx", path.read_bytes())}
    )
    assert response.status_code == 302


def test_a_refused_file_cannot_be_imported(stats_db, client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(stats_db["stats"])
    client.post(
        reverse("stats:home"), {"file": SimpleUploadedFile("x.xlsx", b"%PDF not a workbook")}
    )
    record = FigureImport.objects.get()
    assert record.status == "refused"
    response = client.post(reverse("stats:import", args=[record.pk]))
    assert response.status_code == 302
    assert FigureImport.objects.get().status == "refused" and not IndustryFigure.objects.exists()


def test_the_month_given_on_upload_is_kept_for_whoever_imports(
    stats_db, client, tmp_path, make_user
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from accounts.choices import Role

    path = industry_workbook(tmp_path / "n.xlsx", ROWS, title="重点产业主要指标 单位：万元")
    client.force_login(stats_db["stats"])
    client.post(
        reverse("stats:home"),
        {"file": SimpleUploadedFile("n.xlsx", path.read_bytes()), "month": "2025-07"},
    )
    record = FigureImport.objects.get()
    client.force_login(make_user("stats2", role=Role.STATISTICS, unit="市统计局"))
    client.post(reverse("stats:import", args=[record.pk]))
    assert set(IndustryFigure.objects.values_list("month", flat=True)) == {7}


def test_absurd_values_are_refused(stats_db, tmp_path, capsys):
    assert_refused(
        capsys,
        month_file(tmp_path / "big.xlsx", [("电子信息", "2025-09", 913502001234567890)]),
        "过大",
    )


def test_demo_figures_are_a_plausible_year(stats_db):
    """`seed_demo`'s figures: twelve months and demo enterprises, with each cumulative figure
    the sum of the months so far, starting again in January."""
    from chains.figures.demo import demo_figures_seed

    assert demo_figures_seed(today=datetime.date(2026, 3, 10), enterprises=20) == 20
    assert Enterprise.objects.filter(is_demo=True).count() == 20
    for model, scope, code in (
        (EnterpriseFigure, "enterprise_id", "revenue"),
        (IndustryFigure, "industry_id", "output"),
    ):
        rows = model.objects.filter(is_current=True)
        if model is IndustryFigure:
            rows = rows.filter(district=None, subsegment=None)
        figures = {
            (key, indicator, year, month): float(value)
            for key, indicator, year, month, value in rows.values_list(
                scope, "indicator__code", "year", "month", "value"
            )
        }
        months = sorted({(y, m) for _k, _i, y, m in figures})
        assert months[0] == (2025, 3) and months[-1] == (2026, 2) and len(months) == 12
        keys = {k for k, *_ in figures}
        assert len(keys) >= 14
        for key in keys:
            for year, month in months:
                now = figures[(key, f"{code}-month", year, month)]
                total = figures[(key, f"{code}-ytd", year, month)]
                if month == 1:
                    assert total == pytest.approx(now, abs=0.1)
                elif (year, month - 1) in months:
                    before = figures[(key, f"{code}-ytd", year, month - 1)]
                    assert total - before == pytest.approx(now, abs=0.2)
                else:  # the first month seeded: the months before it are like it
                    assert total == pytest.approx(now * month, abs=0.2)


# --- more bad input, each refused with its reason ------------------------------------------------


def plan_messages(path) -> list[str]:
    return validating.plan_file(path, path.name, today=datetime.date(2025, 10, 9)).messages()


def test_a_file_without_data_rows(stats_db, tmp_path):
    empty = "文件中没有数据行（表头下方全部为空或只有合计行）。"
    assert plan_messages(month_file(tmp_path / "header.xlsx", [])) == [empty]
    assert plan_messages(month_file(tmp_path / "total.xlsx", [("合计", "2025-09", 5)])) == [empty]
    # A column refused already says what is wrong: not also that nothing follows the header.
    header = ("产业", "月份", "工业总产值当月(万元)", "上年同期(万元)")
    assert plan_messages(month_file(tmp_path / "ly.xlsx", [], header)) == [
        "无法识别的列：D列「上年同期(万元)」（上年数据不导入，请删除该列）"
    ]


def test_a_file_without_value_columns(stats_db, tmp_path):
    path = month_file(tmp_path / "keys.xlsx", [("电子信息", "2025-09")], ("产业", "月份"))
    assert plan_messages(path) == ["文件中没有数值列（如“工业总产值 当月”“营业收入 累计”）。"]


def test_a_unit_that_cannot_be_converted(stats_db, tmp_path, capsys):
    header = ("产业", "月份", "工业总产值当月(个)")
    assert_refused(
        capsys,
        month_file(tmp_path / "count.xlsx", [("电子信息", "2025-09", 12)], header),
        "指标「工业总产值」的单位是 个，与系统设定的 万元 不一致，无法换算。",
    )


def test_a_row_without_its_industry(stats_db, tmp_path, capsys):
    path = month_file(tmp_path / "blank.xlsx", [("电子信息", "2025-09", 1), (None, "2025-09", 5)])
    assert_refused(capsys, path, "第 4 行：缺少产业名称。")


def test_an_unknown_district(stats_db, tmp_path, capsys):
    path = industry_workbook(
        tmp_path / "d.xlsx", [("电子信息产业集群", None, "鼓浪屿区", 1, 1, 1, 1, 1)]
    )
    assert_refused(capsys, path, "第 6 行：未知的区「鼓浪屿区」。")


def test_an_absurd_growth_rate(stats_db, tmp_path, capsys):
    path = industry_workbook(
        tmp_path / "g.xlsx", [("电子信息产业集群", None, None, 1, 1, 1234567, 1, 1)]
    )
    assert_refused(capsys, path, "第 6 行：同比增长「1234567.0」超出合理范围，请核对。")


def test_a_directory_without_its_industry_column(stats_db, tmp_path, capsys):
    workbook = openpyxl.Workbook()
    workbook.active.append(["企业名称", "统一社会信用代码", "是否规上"])
    workbook.active.append(["厦门甲有限公司", credit_code(1), "是"])
    workbook.save(tmp_path / "dir.xlsx")
    assert_refused(capsys, tmp_path / "dir.xlsx", "缺少“产业”列。")


def test_errors_are_listed_up_to_two_hundred(stats_db, tmp_path):
    rows = [("量子计算", "2025-09", 1)] * 250
    said = plan_messages(month_file(tmp_path / "many.xlsx", rows))
    assert len(said) == reading.MAX_ERRORS == 200
    assert said[0] == "第 3 行：未知产业「量子计算」。"
    assert said[-1] == "第 202 行：未知产业「量子计算」。"


def test_a_reimport_counts_a_growth_rate_added_or_removed_as_a_change(stats_db, tmp_path):
    """Compared as stored (to four decimals): 1,234.50001 is the 1,234.5 already there; a
    growth rate appearing where there was none, or gone where there was one, is a change."""
    run(industry_workbook(tmp_path / "v1.xlsx", ROWS))
    again = [
        ("电子信息产业集群", None, None, "1,234.50001", "9,876", "—", 800, 7000),
        ("机械装备", None, "思明区", 500, 4500, "6.1", "-", None),
        ROWS[2],
    ]
    run(industry_workbook(tmp_path / "v2.xlsx", again))
    second = FigureImport.objects.latest("pk")
    assert (second.rows_added, second.rows_changed, second.rows_unchanged) == (0, 2, 8)


def test_a_value_column_without_its_unit_is_named_by_its_letter_and_alias(stats_db, tmp_path):
    """Any of an indicator's aliases (工业产值 is the second of 产值,工业产值) is recognised,
    and a column stating no unit is refused for the whole file, by its letter."""
    header = ("产业", "月份", "工业产值当月")
    path = month_file(tmp_path / "none.xlsx", [("新材料", "2025-09", 2)], header, title="主要指标")
    plan = validating.plan_file(path, "none.xlsx")
    assert plan.messages() == [
        "C列「工业产值」没有注明单位（万元或亿元）：请在表头、单位行或标题中写明，以免数量级出错。"
    ]


def test_a_percentage_needs_no_unit_and_an_alias_out_of_use_yields_to_one_in_use(
    stats_db, tmp_path
):
    Indicator.objects.create(
        code="rd-intensity", name="研发投入强度", unit="%", period="cumulative"
    )
    Indicator.objects.create(
        code="old-output",
        name="老口径产值",
        aliases="工业产值",
        unit="万元",
        period="month",
        is_active=False,
    )
    header = ("产业", "月份", "研发投入强度累计", "工业产值当月(万元)")
    path = month_file(tmp_path / "rate.xlsx", [("新材料", "2025-09", 2.5, 7)], header, title="")
    plan = validating.plan_file(path, "rate.xlsx")
    assert plan.messages() == []
    codes = set(
        Indicator.objects.filter(pk__in=plan.records["indicator_id"]).values_list("code", flat=True)
    )
    assert codes == {"rd-intensity", "output-month"}


def test_a_row_without_its_industry_gets_one_message(stats_db, tmp_path):
    path = month_file(tmp_path / "blank.xlsx", [("新材料", "2025-09", 2), (None, "2025-09", 3)])
    assert validating.plan_file(path, "blank.xlsx").messages() == ["第 4 行：缺少产业名称。"]


@pytest.mark.parametrize(
    ("column", "value", "code", "stored"),
    [
        ("增加值累计(万元)", 15000, "value-added-ytd", 1.5),  # 增加值 is kept in 亿元
        ("工业总产值当月(元)", 12345000, "output-month", 1234.5),
        ("工业总产值当月(千元)", 12345, "output-month", 1234.5),
        ("工业总产值当月(亿元)", 0.5, "output-month", 5000),
    ],
)
def test_a_column_in_another_unit_is_converted_to_the_indicators(
    stats_db, tmp_path, column, value, code, stored
):
    path = month_file(tmp_path / "u.xlsx", [("新材料", "2025-09", value)], ("产业", "月份", column))
    plan = validating.plan_file(path, "u.xlsx")
    assert plan.messages() == []
    [record] = plan.records.to_dict("records")
    assert Indicator.objects.get(pk=record["indicator_id"]).code == code
    assert record["value"] == pytest.approx(stored)


def test_an_unknown_or_unconvertible_column_is_named_exactly(stats_db, tmp_path):
    header = ("产业", "月份", "工业总产值当月(个)", "税收当月(万元)")
    path = month_file(tmp_path / "bad.xlsx", [("新材料", "2025-09", 1, 2)], header)
    known = "、".join(
        sorted(set(Indicator.objects.filter(is_active=True).values_list("name", flat=True)))
    )
    assert validating.plan_file(path, "bad.xlsx").messages() == [
        "指标「工业总产值」的单位是 个，与系统设定的 万元 不一致，无法换算。",
        f"未知指标「税收」（当月）。系统中的指标有：{known}。如需新增指标，请联系管理员。",
    ]


def test_each_month_that_cannot_be_taken_is_named_exactly(stats_db, tmp_path, clock):
    """A month column's unreadable month and future month by row; a file with no month at all
    for the whole file."""
    clock.set(datetime.date(2025, 10, 9))
    rows = [("电子信息", "2025-09", 1), ("新材料", "九月", 2), ("机械装备", "2025-11", 3)]
    plan = validating.plan_file(month_file(tmp_path / "m.xlsx", rows), "m.xlsx")
    assert plan.messages() == [
        "第 4 行：月份「九月」无法识别，请写成 2026-10 或 2026年10月。",
        "第 5 行：月份 2025年11月 还没有到，不能导入未来月份的数据。",
    ]
    header = ("产业", "工业总产值当月(万元)")
    path = month_file(tmp_path / "none.xlsx", [("新材料", 2)], header, title="单位：万元")
    assert validating.plan_file(path, "none.xlsx").messages() == [
        "无法确定数据月份：请在表中加“月份”列、在标题中写明“2026年1-10月”，或在导入时指定月份。"
    ]


def test_an_enterprise_figure_names_its_unknown_or_missing_code(stats_db, tmp_path):
    unknown = credit_code(4242)
    path = enterprise_figures(
        tmp_path / "e.xlsx",
        [(unknown, "厦门未知有限公司", 10, 90, None), (None, "无代码", 1, 2, None)],
    )
    assert validating.plan_file(path, "e.xlsx").messages() == [
        f"第 4 行：未知企业：统一社会信用代码「{unknown}」不在重点企业名录中（请先导入企业名录）。",
        "第 5 行：缺少统一社会信用代码。",
    ]


def test_figures_of_a_sub_segment_go_to_it_and_an_unknown_one_is_named(stats_db, tmp_path):
    electronics = Industry.objects.get(name="电子信息产业集群")
    chips = SubSegment.objects.create(industry=electronics, name="集成电路", position=1)
    rows = [
        ("电子信息产业集群", "集成电路", None, 100, 900, None, None, None),
        ("电子信息产业集群", None, None, 300, 2700, None, None, None),
    ]
    plan = validating.plan_file(industry_workbook(tmp_path / "s.xlsx", rows, total=False), "s.xlsx")
    assert plan.messages() == []
    by_value = {r["value"]: r["subsegment_id"] for r in plan.records.to_dict("records")}
    assert by_value[100] == chips.pk and by_value[900] == chips.pk
    assert pd.isna(by_value[300]) and pd.isna(by_value[2700])

    rows[0] = ("电子信息产业集群", "量子芯片", None, 100, 900, None, None, None)
    plan = validating.plan_file(industry_workbook(tmp_path / "u.xlsx", rows, total=False), "u.xlsx")
    assert plan.messages() == [
        "第 6 行：该产业下没有细分领域「量子芯片」（细分领域由管理员在后台维护）。"
    ]


def test_a_duplicate_row_is_named_even_when_it_has_another_error(stats_db, tmp_path):
    """Only a row whose key is refused is left out of the duplicate check: a repeated row with an
    absurd value gets both messages at once."""
    rows = [("电子信息", "2025-09", 1), ("电子信息", "2025-09", 2e13)]
    messages = validating.plan_file(month_file(tmp_path / "d.xlsx", rows), "d.xlsx").messages()
    assert "第 4 行：与第 3 行重复（同一产业、细分领域和区、同一月份出现两次）。" in messages
    assert any(m.startswith("第 4 行：C列的数值") and "过大" in m for m in messages)


def test_the_command_reads_its_file_once_unless_an_import_came_in_between(
    stats_db, tmp_path, monkeypatch
):
    """Issue 20: the command's preview plan is imported as it is (one parse); a plan made
    before another import was applied is made again from the file, against the new figures."""
    from accounts.models import User

    reads = []
    plan_file = writing.plan_file
    monkeypatch.setattr(
        writing, "plan_file", lambda *args, **kwargs: reads.append(1) or plan_file(*args, **kwargs)
    )
    run(industry_workbook(tmp_path / "first.xlsx", ROWS))
    assert len(reads) == 1 and FigureImport.objects.filter(status="applied").count() == 1

    stats = User.objects.get(username="stats")
    later = [("电子信息产业集群", None, None, 1300, 9900, 13.0, 810, 7100)]
    record = writing.upload_record(
        upload=_upload(industry_workbook(tmp_path / "later.xlsx", later)), user=stats
    )
    planned = writing.preview(record)
    other = writing.upload_record(
        upload=_upload(industry_workbook(tmp_path / "other.xlsx", ROWS[1:])), user=stats
    )
    writing.preview(other)
    writing.apply(other)  # applied after `planned` was made
    reads.clear()
    plan = writing.apply(record, planned=planned)
    assert len(reads) == 1 and plan is not planned
    assert plan.ok and plan.changed > 0
