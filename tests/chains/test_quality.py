"""The statistics' checks for sense: each default validation rule, the outlier tests, and the
file of issue 16 (当月产值 raised 100×, a revenue of −5, a growth of 900 %) stopped in the
preview and imported only once confirmed, its flags kept with the import."""

import math
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from chains.figures import validating, writing
from chains.figures.models import ImportStatus
from chains.models import FigureImport, Indicator, Industry, IndustryFigure, SubSegment, Unit
from chains.quality import expressions
from chains.quality.models import FigureFlag, Importance, ValidationRule
from chains.quality.selectors import open_flags
from chains.quality.services import flags_confirm

ELECTRONICS = "电子信息产业集群"
HEADER = (
    "产业",
    "细分领域",
    "区",
    "月份",
    "工业总产值当月(万元)",
    "同比(%)",
    "工业总产值累计(万元)",
    "营业收入当月(万元)",
    "营业收入累计(万元)",
)
NOVEMBER = 147_445.9


def output(year: int, month: int) -> float:
    """电子信息's monthly output: 147,445.9 in November 2025, growing 8 % a year."""
    months = (year - 2025) * 12 + month - 11
    return round(NOVEMBER * 1.08 ** (months / 12), 1)


def ytd(year: int, month: int, of=output) -> float:
    return round(sum(of(year, m) for m in range(1, month + 1)), 1)


def revenue(year: int, month: int) -> float:
    return round(output(year, month) * 0.9, 1)


def growth(year: int, month: int) -> float:
    return round((output(year, month) / output(year - 1, month) - 1) * 100, 1)


def workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位：万元"])
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def good_row(year: int, month: int, industry=ELECTRONICS, segment=None, district=None):
    return (
        industry,
        segment,
        district,
        f"{year}-{month:02d}",
        output(year, month),
        growth(year, month),
        ytd(year, month),
        revenue(year, month),
        ytd(year, month, revenue),
    )


@pytest.fixture
def rules(stats_db):
    call_command("load_validation_rules")


@pytest.fixture
def history(rules, users):
    """电子信息's whole-industry figures of the 24 months before November 2025, current."""
    source = FigureImport.objects.create(
        kind="industry_figures", status=ImportStatus.APPLIED, uploaded_by=users["stats"]
    )
    industry = Industry.objects.get(name=ELECTRONICS)
    codes = {i.code: i for i in Indicator.objects.all()}
    figures = []
    for index in range(24):
        year, month = divmod(2025 * 12 + 10 - 1 - index, 12)
        month += 1
        for code, value, yoy in (
            ("output-month", output(year, month), None),
            ("output-ytd", ytd(year, month), None),
            ("revenue-month", revenue(year, month), None),
            ("revenue-ytd", ytd(year, month, revenue), None),
        ):
            figures.append(
                IndustryFigure(
                    source=source,
                    indicator=codes[code],
                    industry=industry,
                    year=year,
                    month=month,
                    value=Decimal(str(value)),
                    yoy=yoy,
                )
            )
    IndustryFigure.objects.bulk_create(figures)
    return source


def plan(tmp_path, rows, name="f.xlsx"):
    return validating.plan_file(workbook(tmp_path / name, rows), name)


def found(result) -> set[tuple[str, str]]:
    """(check, indicator code) of each finding."""
    codes = dict(Indicator.objects.values_list("pk", "code"))
    return {(f.test, codes[f.indicator_id]) for f in result.findings}


# --- expressions --------------------------------------------------------------------------


def test_expressions_parse_and_evaluate_with_known_answers():
    tree = expressions.parse("({a} / {a}[-12] - 1) * 100")
    values = {("a", 0): 110.0, ("a", -12): 100.0}
    assert math.isclose(tree.evaluate(lambda r: values[(r.code, r.offset)]), 10.0)
    assert expressions.parse("yoy{a} - -2").evaluate(lambda r: 5.0) == 7.0
    assert tree.codes() == {"a"}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "表达式为空"),
        ("{a}[-2]", "只能写 -1（同年上月）或 -12（上年同月）"),
        ("({a} + 1", "括号没有闭合"),
        ("{a} +", "运算符后缺少数值或指标"),
        ("{a} 2", "多余的部分"),
        ("{a} ^ 2", "无法识别「^ 2」"),
    ],
)
def test_a_bad_expression_is_refused_in_chinese(text, says):
    with pytest.raises(expressions.ExpressionError, match=re.escape(says)):
        expressions.parse(text)


def test_a_rule_naming_an_unknown_indicator_cannot_be_saved(rules):
    from django.core.exceptions import ValidationError

    rule = ValidationRule(code="x", name="x", left="{nope}", operator=">=", right="0", message="x")
    with pytest.raises(ValidationError, match="未知指标代码：nope"):
        rule.full_clean()


# --- loading the defaults -----------------------------------------------------------------


def test_the_defaults_load_once_and_a_replacement_is_recorded(stats_db, capsys):
    call_command("load_validation_rules")
    assert ValidationRule.objects.count() == 21
    assert "新增 40" in capsys.readouterr().out  # 21 rules, 5 thresholds, 14 industry measures
    call_command("load_validation_rules")
    assert "已载入（现有 40 条规则、阈值和产业主要指标），未做任何更改" in capsys.readouterr().out
    ValidationRule.objects.filter(code="output-ytd-ge-month").update(tolerance=5)
    call_command("load_validation_rules", "--replace")
    out = capsys.readouterr().out
    assert "容差" in out and "更新 1" in out
    assert ValidationRule.objects.get(code="output-ytd-ge-month").tolerance == 0


# --- a good file passes -------------------------------------------------------------------


def test_a_sound_month_raises_nothing(history, tmp_path):
    result = plan(tmp_path, [good_row(2025, 11)])
    assert result.ok, result.messages()
    assert result.findings == [] and result.findings_total == 0


# --- each default rule --------------------------------------------------------------------


def broken(**changes):
    row = dict(zip(HEADER, good_row(2025, 11), strict=True))
    row.update(changes)
    return tuple(row.values())


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # 累计 ≥ 当月 (and the running total no longer adds up)
        (
            broken(**{"工业总产值累计(万元)": NOVEMBER / 2}),
            {
                ("output-ytd-ge-month", "output-ytd"),
                ("output-ytd-running", "output-ytd"),
                ("yoy", "output-ytd"),  # −95 % on the year before
            },
        ),
        # 累计(m) = 累计(m−1) + 当月(m), within 0.5 %
        (
            broken(**{"营业收入累计(万元)": ytd(2025, 11, revenue) * 1.01}),
            {("revenue-ytd-running", "revenue-ytd")},
        ),
        # values ≥ 0
        (
            broken(**{"营业收入当月(万元)": -5, "营业收入累计(万元)": ytd(2025, 10, revenue) - 5}),
            {
                ("revenue-month-non-negative", "revenue-month"),
                ("yoy", "revenue-month"),
                ("z", "revenue-month"),
            },
        ),
        # the given 同比 agrees with the figures within 0.1 point
        (broken(**{"同比(%)": growth(2025, 11) + 0.3}), {("output-month-yoy", "output-month")}),
    ],
    ids=["ytd-ge-month", "running-total", "non-negative", "yoy-agrees"],
)
def test_each_series_rule_flags_the_figure_that_breaks_it(history, tmp_path, row, expected):
    result = plan(tmp_path, [row])
    assert result.ok
    assert found(result) == expected
    assert {f.sheet_row for f in result.findings} == {3}


def test_the_running_total_is_not_checked_across_january(history, tmp_path):
    january = list(good_row(2025, 1))
    january[6] = output(2025, 1)  # 累计 = 当月 in January, whatever December's 累计
    assert plan(tmp_path, [january]).findings == []


def test_a_rule_in_the_file_alone_is_checked_without_history(rules, tmp_path):
    result = plan(tmp_path, [broken(**{"工业总产值累计(万元)": 1})])
    assert ("output-ytd-ge-month", "output-ytd") in found(result)


@pytest.fixture
def segments(rules):
    industry = Industry.objects.get(name=ELECTRONICS)
    for position, name in enumerate(["集成电路", "新型显示", "计算机与通讯设备"]):
        SubSegment.objects.create(industry=industry, name=name, position=position)


def segment_rows(share: float):
    industry = Industry.objects.get(name=ELECTRONICS)
    segments = list(SubSegment.objects.filter(industry=industry).values_list("name", flat=True))
    month = (ELECTRONICS, None, None, "2025-09", 1000, None, None, None, None)
    parts = [
        (
            ELECTRONICS,
            name,
            None,
            "2025-09",
            round(1000 * share / len(segments), 1),
            None,
            None,
            None,
            None,
        )
        for name in segments
    ]
    return [month, *parts]


def test_sub_segments_sum_to_no_more_than_the_industry(segments, tmp_path):
    assert plan(tmp_path, segment_rows(1.0)).findings == []
    result = plan(tmp_path, segment_rows(1.2), "over.xlsx")
    assert found(result) == {("output-month-subsegments", "output-month")}
    assert "各细分领域之和不应超过本产业合计" in result.findings[0].message
    assert "1,200" in result.findings[0].message and "1,000" in result.findings[0].message
    # Part of the sub-segments is fine for "no more than".
    assert plan(tmp_path, segment_rows(1.0)[:2], "part.xlsx").findings == []


def district_rows(total: float, districts=None):
    names = districts or list(
        Unit.objects.filter(kind="district").order_by("name").values_list("name", flat=True)
    )
    city = (ELECTRONICS, None, None, "2025-09", total, None, None, None, None)
    return [city, *[(ELECTRONICS, None, n, "2025-09", 100, None, None, None, None) for n in names]]


def test_the_six_districts_sum_to_the_city_total(rules, tmp_path):
    assert plan(tmp_path, district_rows(600)).findings == []
    assert plan(tmp_path, district_rows(605), "tol.xlsx").findings == []  # within 1 %
    result = plan(tmp_path, district_rows(700), "off.xlsx")
    assert found(result) == {("output-month-districts", "output-month")}
    # Not all six: a sum that must reach the total is not compared.
    assert plan(tmp_path, district_rows(700, ["思明区", "湖里区"]), "two.xlsx").findings == []
    # The development zones lie within the districts: never added to them.
    rows = [
        *district_rows(600),
        (ELECTRONICS, None, "火炬管委会", "2025-09", 300, None, None, None, None),
    ]
    assert plan(tmp_path, rows, "zone.xlsx").findings == []


def test_a_rule_of_importance_error_refuses_the_file(history, tmp_path):
    ValidationRule.objects.filter(code="revenue-month-non-negative").update(
        importance=Importance.ERROR
    )
    result = plan(tmp_path, [broken(**{"营业收入当月(万元)": -5})])
    assert not result.ok
    assert any("第 3 行" in m and "该指标不应为负数" in m for m in result.messages())


def test_an_inactive_rule_checks_nothing(history, tmp_path):
    ValidationRule.objects.filter(code="output-month-yoy").update(is_active=False)
    assert plan(tmp_path, [broken(**{"同比(%)": growth(2025, 11) + 0.3})]).findings == []


# --- outliers -----------------------------------------------------------------------------


def test_outliers_against_the_last_24_months(history, tmp_path):
    row = broken(
        **{"工业总产值当月(万元)": NOVEMBER * 2, "同比(%)": None, "工业总产值累计(万元)": None}
    )
    result = plan(tmp_path, [row])
    flags = {
        f.test: f
        for f in result.findings
        if f.indicator_id == Indicator.objects.get(code="output-month").pk
    }
    assert set(flags) == {"z", "yoy"}  # twice the month before: under the 3× bound
    assert "明显偏离近 24 个月的水平" in flags["z"].message
    assert "同比 116.0%" in flags["yoy"].message and "-50%～100%" in flags["yoy"].message
    # Three times the month before: month-on-month too.
    row = broken(
        **{"工业总产值当月(万元)": NOVEMBER * 3.2, "同比(%)": None, "工业总产值累计(万元)": None}
    )
    assert ("mom", "output-month") in found(plan(tmp_path, [row], "mom.xlsx"))


def test_no_outlier_test_without_enough_history(rules, tmp_path):
    row = broken(
        **{"工业总产值当月(万元)": NOVEMBER * 1.6, "同比(%)": None, "工业总产值累计(万元)": None}
    )
    assert plan(tmp_path, [row]).findings == []


# --- the file of the issue ----------------------------------------------------------------


def upload(path, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    record = writing.upload_record(
        upload=SimpleUploadedFile(path.name, path.read_bytes()), user=user
    )
    writing.preview(record)
    return record


def test_the_100x_minus_5_900_percent_file_imports_only_once_confirmed(history, users, tmp_path):
    stats = users["stats"]
    good = upload(workbook(tmp_path / "11月.xlsx", [good_row(2025, 11)]), stats)
    assert good.flags.count() == 0
    writing.apply(good)
    bad_row = broken(
        **{
            "工业总产值当月(万元)": NOVEMBER * 100,
            "同比(%)": 900,
            "营业收入当月(万元)": -5,
        }
    )
    record = upload(workbook(tmp_path / "11月（重报）.xlsx", [bad_row]), stats)
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEW and record.rows_changed == 2
    # The preview shows the values: old, new, the change.
    change = next(
        c
        for c in record.changes
        if c["indicator_id"] == Indicator.objects.get(code="output-month").pk
    )
    assert (change["old"], change["new"], change["sheet_row"]) == (NOVEMBER, NOVEMBER * 100, 3)
    assert round(change["change"]) == 9900
    flags = {(f.test, f.indicator.code) for f in record.flags.select_related("indicator")}
    assert {
        ("output-ytd-ge-month", "output-ytd"),
        ("output-month-yoy", "output-month"),
        ("yoy", "output-month"),
        ("z", "output-month"),
        ("mom", "output-month"),
        ("revenue-month-non-negative", "revenue-month"),
    } <= flags
    assert all(f.sheet_row == 3 for f in record.flags.all())

    with pytest.raises(writing.NotConfirmed):
        writing.apply(record)
    assert IndustryFigure.objects.filter(is_current=True, value=Decimal("-5")).count() == 0

    first = record.flags.first()
    with pytest.raises(ValueError):  # a reason for one only: nothing is confirmed
        flags_confirm(record, user=stats, reasons={first.pk: "核实无误"})
    assert not record.flags.filter(confirmed_at__isnull=False).exists()
    flags_confirm(
        record,
        user=stats,
        reasons={first.pk: "已与企业核实"},
        reason_for_all="龙头企业新产线投产，已电话核实",
    )
    writing.apply(record)
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    kept = record.flags.get(pk=first.pk)
    assert (kept.confirmation, kept.confirmed_by) == ("已与企业核实", stats)
    assert set(record.flags.exclude(pk=first.pk).values_list("confirmation", flat=True)) == {
        "龙头企业新产线投产，已电话核实"
    }
    assert (
        IndustryFigure.objects.get(
            is_current=True, indicator__code="revenue-month", year=2025, month=11
        ).value
        == -5
    )
    assert FigureFlag.objects.filter(explained_at__isnull=True).count() == record.flags.count()
    # Every flag waits on 数据核查, the running total's too: the file repeated that figure
    # unchanged, so it was not written again and stays the earlier import's.
    assert (
        IndustryFigure.objects.get(
            is_current=True, indicator__code="output-ytd", year=2025, month=11
        ).source
        == good
    )
    assert set(open_flags()) == set(record.flags.all())
    # The month sent again as it should be: each figure is checked again and the flags leave
    # the list (kept on the record of the import that raised them).
    again = upload(workbook(tmp_path / "11月（更正）.xlsx", [good_row(2025, 11)]), stats)
    assert again.flags.count() == 0
    writing.apply(again)
    assert not open_flags().exists()
    assert set(record.flags.values_list("checked_again_by", flat=True)) == {again.pk}


# --- the command and the preview page -----------------------------------------------------


def test_the_command_imports_flagged_figures_only_with_a_reason(history, users, tmp_path, capsys):
    path = workbook(tmp_path / "bad.xlsx", [broken(**{"营业收入当月(万元)": -5})])
    with pytest.raises(CommandError, match="需要核实，未做任何更改"):
        call_command("import_statistics", str(path), "--user", "stats")
    assert "第 3 行 2025年11月：该指标不应为负数" in capsys.readouterr().err
    assert not IndustryFigure.objects.filter(year=2025, month=11).exists()
    call_command("import_statistics", str(path), "--user", "stats", "--confirm", "退货冲减，已核实")
    record = FigureImport.objects.get(status=ImportStatus.APPLIED, original_name="bad.xlsx")
    assert set(record.flags.values_list("confirmation", flat=True)) == {"退货冲减，已核实"}


def test_the_preview_page_shows_values_flags_and_takes_confirmations(
    history, users, client, tmp_path
):
    from django.urls import reverse

    client.force_login(users["stats"])
    writing.apply(upload(workbook(tmp_path / "11月.xlsx", [good_row(2025, 11)]), users["stats"]))
    bad = broken(
        **{"工业总产值当月(万元)": NOVEMBER * 100, "同比(%)": 900, "营业收入当月(万元)": -5}
    )
    with (tmp_path / "11月（重报）.xlsx").open("wb") as handle:
        handle.write(workbook(tmp_path / "r.xlsx", [bad]).read_bytes())
    with (tmp_path / "11月（重报）.xlsx").open("rb") as handle:
        response = client.post(reverse("stats:home"), {"file": handle})
    record = FigureImport.objects.latest("pk")
    url = reverse("stats:import", args=[record.pk])
    assert response.url == url
    page = client.get(url).content.decode()
    assert "147,445.9" in page and "14,744,590" in page and "9900.0%" in page  # old, new, change
    assert "该指标不应为负数" in page and "稳健 z 值" in page and "同比 900.0%" in page
    outliers = client.get(url + "?show=outlier").content.decode()
    assert "稳健 z 值" in outliers and "该指标不应为负数" not in outliers
    assert 'id="figure-changes"' not in outliers

    # Without a reason: refused, nothing imported, nothing confirmed.
    response = client.post(url, {"reason_all": "  "}, follow=True)
    assert "没有填写核实理由" in response.content.decode()
    assert not record.flags.filter(confirmed_at__isnull=False).exists()
    assert (
        IndustryFigure.objects.get(
            is_current=True, indicator__code="revenue-month", year=2025, month=11
        ).value
        > 0
    )

    response = client.post(url, {"reason_all": "龙头企业新产线投产"}, follow=True)
    assert "已导入" in response.content.decode()
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    page = client.get(url).content.decode()
    assert "龙头企业新产线投产" in page and 'name="reason_all"' not in page


def test_only_statistics_staff_confirm_and_import(history, users, client, tmp_path):
    from django.urls import reverse

    record = upload(
        workbook(tmp_path / "bad.xlsx", [broken(**{"营业收入当月(万元)": -5})]), users["stats"]
    )
    url = reverse("stats:import", args=[record.pk])
    for name in ("gxj", "siming"):
        client.force_login(users[name])
        assert client.post(url, {"reason_all": "x"}).status_code in (403, 404)
    assert not record.flags.filter(confirmed_at__isnull=False).exists()


# --- what a second reader found -----------------------------------------------------------


def test_more_warnings_than_can_be_confirmed_refuse_the_file(history, tmp_path, monkeypatch):
    from chains.quality import checking

    monkeypatch.setattr(checking, "MAX_FINDINGS", 2)
    bad = broken(
        **{"工业总产值当月(万元)": NOVEMBER * 100, "同比(%)": 900, "营业收入当月(万元)": -5}
    )
    result = plan(tmp_path, [bad])
    assert not result.ok
    assert any("超过 2 项：文件可能整体有误" in m for m in result.messages())


def test_an_error_past_the_warnings_still_refuses(history, tmp_path, monkeypatch):
    from chains.quality import checking

    monkeypatch.setattr(checking, "MAX_FINDINGS", 1)
    ValidationRule.objects.filter(code="revenue-month-non-negative").update(
        importance=Importance.ERROR, position=99
    )
    bad = broken(**{"工业总产值当月(万元)": NOVEMBER * 100, "营业收入当月(万元)": -5})
    assert any("该指标不应为负数" in m for m in plan(tmp_path, [bad]).messages())


def test_a_file_of_sub_segments_alone_is_checked_against_the_stored_total(
    segments, users, tmp_path
):
    writing.apply(upload(workbook(tmp_path / "total.xlsx", segment_rows(1.0)[:1]), users["stats"]))
    parts = segment_rows(1.5)[1:]  # the sub-segments only, summing to 1,500 > 1,000
    result = plan(tmp_path, parts, "parts.xlsx")
    (finding,) = [f for f in result.findings if f.test == "output-month-subsegments"]
    assert finding.sheet_row == 3  # the first sub-segment's row: the total is not in the file
    assert "各细分领域之和 1,500，合计 1,000" in finding.message


def test_a_flag_that_vanished_before_the_import_is_dropped_not_followed_up(
    history, users, tmp_path
):
    from chains.quality.selectors import open_flags

    row = broken(
        **{"工业总产值当月(万元)": NOVEMBER * 2, "同比(%)": None, "工业总产值累计(万元)": None}
    )
    record = upload(workbook(tmp_path / "11月.xlsx", [row]), users["stats"])
    assert {f.test for f in record.flags.all()} == {"z", "yoy"}
    # Before it is imported, last year's November is corrected: the growth is no longer odd.
    IndustryFigure.objects.filter(indicator__code="output-month", year=2024, month=11).update(
        value=Decimal(str(NOVEMBER * 1.9))
    )
    flags_confirm(record, user=users["stats"], reasons={}, reason_for_all="已核实")
    writing.apply(record)
    dropped = record.flags.get(test="yoy")
    assert dropped.dropped_at is not None
    assert list(open_flags()) == [record.flags.get(test="z")]


def test_only_an_imported_flag_is_explained(history, users, client, tmp_path):
    from django.urls import reverse

    record = upload(
        workbook(tmp_path / "bad.xlsx", [broken(**{"营业收入当月(万元)": -5})]), users["stats"]
    )
    flag = record.flags.first()
    client.force_login(users["stats"])
    response = client.post(reverse("stats:follow_up"), {"flag": flag.pk, "explanation": "x"})
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.explained_at is None


def test_an_api_service_account_is_not_told_to_write_the_analysis(stats_db):
    from accounts.notifications import statistics_staff
    from chains.api.services import api_client_create

    client = api_client_create(
        code="tjj-system", name="统计联网直报", unit=Unit.objects.get(name="市统计局")
    )
    staff = statistics_staff()
    assert stats_db["stats"] in staff and client.service_user not in staff


# --- loading, explaining, enterprises -----------------------------------------------------


def test_a_defaults_file_naming_unknown_codes_is_refused_whole(stats_db, tmp_path):
    import json

    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "rules": [
                    {
                        "code": "x",
                        "name": "x",
                        "left": "{output-month}",
                        "operator": ">=",
                        "right": "0",
                        "message": "x",
                    }
                ],
                "outlier_thresholds": [{"indicator": "tax-month", "max_z": 3.5}],
                "industry_measures": [{"industry": "steel", "headline": "output-month"}],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="未知指标代码：tax-month"):
        call_command("load_validation_rules", str(path))
    assert not ValidationRule.objects.exists()  # the good rule is not loaded either
    call_command("load_validation_rules", "--dry-run")  # a dry run writes nothing
    assert not ValidationRule.objects.exists()


def test_an_explanation_has_a_bounded_length(history, users, tmp_path):
    from chains.quality import services as quality

    record = upload(
        workbook(tmp_path / "b.xlsx", [broken(**{"营业收入当月(万元)": -5})]), users["stats"]
    )
    flags_confirm(record, user=users["stats"], reasons={}, reason_for_all="已核实")
    writing.apply(record)
    flag = record.flags.first()
    with pytest.raises(ValueError, match="不超过 1000 字"):
        quality.flag_explain(pk=flag.pk, user=users["stats"], explanation="长" * 1001)


def test_an_enterprise_figure_is_checked_and_named(stats_db, users, tmp_path, client):
    from django.urls import reverse

    from tests.chains.stats_files import credit_code, enterprise_directory, enterprise_figures

    call_command("load_validation_rules")
    code = credit_code(7)
    directory = enterprise_directory(
        tmp_path / "dir.xlsx",
        [("厦门某某电子有限公司", code, "思明区", "电子信息产业集群", "是", None, None)],
    )
    writing.apply(upload(directory, users["stats"]))
    record = upload(
        enterprise_figures(tmp_path / "e.xlsx", [(code, None, 900, 100, None)]), users["stats"]
    )
    assert {f.test for f in record.flags.all()} == {"revenue-ytd-ge-month"}
    client.force_login(users["stats"])
    page = client.get(reverse("stats:import", args=[record.pk])).content.decode()
    assert "厦门某某电子有限公司" in page and "1–N月累计值不应小于当月值" in page


# --- what a re-import writes, and which flags it settles (found by review) ----------------


def test_a_correction_in_the_third_decimal_is_a_change_and_is_stored(history, users, tmp_path):
    """Figures are kept to four decimals: a file repeating a month with 147,445.904 for
    147,445.9 changes it (it was once counted unchanged at two decimals and not written)."""
    stats = users["stats"]
    writing.apply(upload(workbook(tmp_path / "a.xlsx", [good_row(2025, 11)]), stats))
    row = list(good_row(2025, 11))
    row[4] = round(NOVEMBER + 0.004, 4)
    again = upload(workbook(tmp_path / "b.xlsx", [row]), stats)
    writing.apply(again)
    again.refresh_from_db()
    assert (again.rows_changed, again.rows_unchanged) == (1, 3)
    stored = IndustryFigure.objects.get(
        is_current=True,
        indicator__code="output-month",
        year=2025,
        month=11,
        subsegment__isnull=True,
        district__isnull=True,
    )
    assert (stored.value, stored.source) == (Decimal("147445.9040"), again)
    # Half-way between two stored values (numpy would round it to even, the database rounds
    # it up): a change, stored rounded up.
    row[4] = 147445.90035
    last = upload(workbook(tmp_path / "c.xlsx", [row]), stats)
    writing.apply(last)
    stored = IndustryFigure.objects.get(
        is_current=True, indicator=stored.indicator, year=2025, month=11, industry=stored.industry
    )
    assert (stored.value, stored.source) == (Decimal("147445.9004"), last)


def test_a_confirmed_upload_imported_after_another_keeps_its_flags_open(history, users, tmp_path):
    """Flags are recorded at the preview: a file of the same month imported meanwhile does not
    settle the flags of one still waiting; once imported, its figures are current and its
    flags wait on 数据核查."""
    stats = users["stats"]
    writing.apply(upload(workbook(tmp_path / "a.xlsx", [good_row(2025, 11)]), stats))
    record = upload(
        workbook(tmp_path / "bad.xlsx", [broken(**{"工业总产值当月(万元)": NOVEMBER * 100})]),
        stats,
    )
    assert record.flags.exists()
    flags_confirm(record, user=stats, reasons={}, reason_for_all="已核实")
    writing.apply(upload(workbook(tmp_path / "c.xlsx", [good_row(2025, 11)]), stats))
    writing.apply(record)
    assert IndustryFigure.objects.filter(source=record, is_current=True).exists()
    assert set(open_flags()) == set(record.flags.filter(dropped_at__isnull=True))
