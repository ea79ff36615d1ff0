"""The statistics import's checks, each on the file that shows it, as `make mutation` found them
missing: where a month comes from, the current month, city-wide rows, an indicator in two
columns, every bad tier year of a row, and how a file's rows compare with the figures held."""

import datetime

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chains.figures import validating
from chains.models import IndustryFigure
from tests.chains.stats_files import (
    credit_code,
    enterprise_directory,
    enterprise_figures,
    industry_workbook,
    month_file,
)
from tests.chains.test_statistics import run

TODAY = datetime.date(2025, 10, 9)


def plan(path):
    return validating.plan_file(path, path.name, today=TODAY)


def test_a_month_column_wins_over_the_month_in_the_title(stats_db, tmp_path):
    path = month_file(
        tmp_path / "m.xlsx", [("电子信息", "2025-09", 5)], title="2025年1-8月主要指标 单位：万元"
    )
    result = plan(path)
    assert result.ok, result.messages()
    assert result.months == [(2025, 9)]


def test_the_title_gives_the_month_when_there_is_no_column(stats_db, tmp_path):
    path = month_file(
        tmp_path / "t.xlsx",
        [("电子信息", 5)],
        header=("产业", "工业总产值当月(万元)"),
        title="2025年1-8月主要指标 单位：万元",
    )
    assert plan(path).months == [(2025, 8)]


def test_no_month_and_an_unknown_indicator_are_both_said(stats_db, tmp_path):
    path = month_file(
        tmp_path / "n.xlsx", [("电子信息", 5, 1)], header=("产业", "工业总产值当月(万元)", "备注")
    )
    assert plan(path).messages() == [
        "无法确定数据月份：请在表中加“月份”列、在标题中写明“2026年1-10月”，或在导入时指定月份。",
        "未知指标「备注」（当月）。系统中的指标有：增加值、工业总产值、营业收入。如需新增指标，请联系管理员。",
    ]


def test_this_month_may_be_imported_and_next_month_may_not(stats_db, tmp_path):
    this_month = month_file(tmp_path / "this.xlsx", [("电子信息", "2025-10", 5)])
    assert plan(this_month).ok
    next_month = month_file(tmp_path / "next.xlsx", [("电子信息", "2025-11", 5)])
    assert plan(next_month).messages() == [
        "第 3 行：月份 2025年11月 还没有到，不能导入未来月份的数据。"
    ]


def test_a_city_wide_row_has_no_district(stats_db, tmp_path):
    run(
        industry_workbook(
            tmp_path / "city.xlsx", [("电子信息产业集群", None, "全市", 10, 90, None, None, None)]
        )
    )
    figures = IndustryFigure.objects.filter(indicator__code="output-month")
    assert list(figures.values_list("district", flat=True)) == [None]


def test_an_indicator_in_two_columns_is_named_and_later_columns_are_still_checked(
    stats_db, tmp_path
):
    path = month_file(
        tmp_path / "twice.xlsx",
        [("电子信息", "2025-09", 5, 6, 7)],
        header=("产业", "月份", "工业总产值当月(万元)", "工业总产值当月(万元)", "营业收入当月(个)"),
    )
    assert plan(path).messages() == [
        "D列与C列是同一指标「工业总产值（当月，万元）」，请只保留一列。",
        "指标「营业收入」的单位是 个，与系统设定的 万元 不一致，无法换算。",
    ]


def test_a_file_of_two_months_already_held_changes_nothing(stats_db, tmp_path):
    rows = [("电子信息", "2025-08", 1), ("电子信息", "2025-09", 2)]
    run(month_file(tmp_path / "a.xlsx", rows))
    again = plan(month_file(tmp_path / "b.xlsx", rows))
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)


def test_a_file_is_compared_with_the_current_revision_only(stats_db, tmp_path):
    run(month_file(tmp_path / "v1.xlsx", [("电子信息", "2025-09", 1)]))
    run(month_file(tmp_path / "v2.xlsx", [("电子信息", "2025-09", 2)]))  # v1's figure superseded
    again = plan(month_file(tmp_path / "v3.xlsx", [("电子信息", "2025-09", 2)]))
    assert (again.added, again.changed, again.unchanged) == (0, 0, 1)
    changed = plan(month_file(tmp_path / "v4.xlsx", [("电子信息", "2025-09", 3)]))
    assert (changed.added, changed.changed, changed.unchanged) == (0, 1, 0)


def test_each_bad_tier_year_of_a_row_is_named(stats_db, tmp_path):
    path = enterprise_directory(
        tmp_path / "dir.xlsx",
        [("厦门甲科技有限公司", credit_code(1), "思明区", "电子信息", "是", "去年", "二〇二三")],
    )
    assert plan(path).messages() == [
        "第 3 行：G列应填认定年份（如 2023），而不是「去年」。",
        "第 3 行：H列应填认定年份（如 2023），而不是「二〇二三」。",
    ]


def test_checking_a_directory_costs_the_same_queries_for_more_enterprises(stats_db, tmp_path):
    def directory(name, count):
        return enterprise_directory(
            tmp_path / name,
            [
                (f"厦门企业{i}有限公司", credit_code(i), "思明区", "电子信息", "是", 2020, 2022)
                for i in range(count)
            ],
        )

    counts = []
    for count in (2, 6):
        run(directory(f"held{count}.xlsx", count))  # held, with their tiers
        again = directory(f"again{count}.xlsx", count)
        with CaptureQueriesContext(connection) as queries:
            result = plan(again)
        assert result.unchanged == count
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_a_column_without_its_unit_and_an_unknown_indicator_are_both_said(stats_db, tmp_path):
    path = month_file(
        tmp_path / "unit.xlsx",
        [("电子信息", "2025-09", 5, 1)],
        header=("产业", "月份", "工业总产值当月", "备注"),
        title="主要指标",
    )
    assert plan(path).messages() == [
        "C列「工业总产值」没有注明单位（万元或亿元）：请在表头、单位行或标题中写明，以免数量级出错。",
        "未知指标「备注」（当月）。系统中的指标有：增加值、工业总产值、营业收入。如需新增指标，请联系管理员。",
    ]


def test_a_growth_rate_that_is_not_a_number_is_named_by_its_column(stats_db, tmp_path):
    path = industry_workbook(
        tmp_path / "yoy.xlsx", [("电子信息产业集群", None, None, 1, 9, "约12", None, None)]
    )
    assert plan(path).messages() == ["第 6 行：F列「工业总产值同比」不是数字：「约12」。"]


def test_a_value_too_large_once_converted_is_refused(stats_db, tmp_path):
    header = ("产业", "月份", "工业总产值当月(亿元)")
    huge = month_file(tmp_path / "huge.xlsx", [("电子信息", "2025-09", 10**9)], header)
    assert plan(huge).messages() == [
        "第 3 行：C列的数值「1000000000.0」过大，请核对（是否误填了代码或单位）。"
    ]
    assert plan(month_file(tmp_path / "fine.xlsx", [("电子信息", "2025-09", 10**8)], header)).ok


def test_the_largest_value_and_growth_rate_taken(stats_db, tmp_path):
    # Under 10^13 (万元) and 10^6 %: the columns hold 14 and 7 digits before the point.
    largest = industry_workbook(
        tmp_path / "max.xlsx",
        [("电子信息产业集群", None, None, 10**13 - 1, 9, "999999.99", None, None)],
    )
    assert plan(largest).ok
    beyond = industry_workbook(
        tmp_path / "beyond.xlsx",
        [("电子信息产业集群", None, None, 10**13, 9, 10**6, None, None)],
    )
    assert plan(beyond).messages() == [
        "第 6 行：D列的数值「10000000000000.0」过大，请核对（是否误填了代码或单位）。",
        "第 6 行：同比增长「1000000.0」超出合理范围，请核对。",
    ]


def test_a_file_without_value_columns_and_with_a_last_year_column(stats_db, tmp_path):
    path = month_file(
        tmp_path / "none.xlsx",
        [("电子信息", "2025-09", 1)],
        header=("产业", "月份", "上年同期(万元)"),
    )
    assert plan(path).messages() == [
        "文件中没有数值列（如“工业总产值 当月”“营业收入 累计”）。",
        "无法识别的列：C列「上年同期(万元)」（上年数据不导入，请删除该列）",
    ]


def test_an_enterprise_twice_in_a_month_is_a_duplicate(stats_db, tmp_path):
    code = credit_code(7)
    run(
        enterprise_directory(
            tmp_path / "dir.xlsx",
            [("厦门乙科技有限公司", code, "思明区", "电子信息", "是", None, None)],
        )
    )
    # Each later row named once, though both of its indicators repeat the first row's.
    path = enterprise_figures(
        tmp_path / "ef.xlsx",
        [(code, "厦门乙科技有限公司", month, 9, None) for month in (1, 2, 3)],
    )
    assert plan(path).messages() == [
        "第 5 行：与第 4 行重复（同一企业、同一月份出现两次）。",
        "第 6 行：与第 4 行重复（同一企业、同一月份出现两次）。",
    ]


def test_the_totals_row_of_an_enterprise_file_is_skipped(stats_db, tmp_path):
    code = credit_code(8)
    run(
        enterprise_directory(
            tmp_path / "dir.xlsx",
            [("厦门丙科技有限公司", code, "思明区", "电子信息", "是", None, None)],
        )
    )
    path = enterprise_figures(
        tmp_path / "ef.xlsx", [(code, "厦门丙科技有限公司", 1, 9, None), ("合计", None, 1, 9, None)]
    )
    result = plan(path)
    assert result.ok, result.messages()
    assert result.skipped_totals == 1


def test_a_merge_reaching_into_the_first_data_row_is_named(stats_db, tmp_path):
    path = industry_workbook(
        tmp_path / "merged.xlsx", [("电子信息产业集群", None, None, 1, 9, None, None, None)]
    )
    workbook = openpyxl.load_workbook(path)
    workbook.active.merge_cells("C5:C6")  # from the units row into the first data row
    workbook.save(path)
    assert plan(path).messages() == [
        "第 6 行：数据区有合并单元格（C5:C6）：合并单元格只保留左上角的值，请拆分后逐行填写。"
    ]


def array_sheet(
    path, ref, rows, header=("产业", "月份", "工业总产值当月(万元)", "营业收入当月(万元)")
):
    """Rows 3 to 6 of data; an array formula over `ref`, its first cell holding the formula and
    the others its results (as Excel stores them)."""
    from openpyxl.worksheet.formula import ArrayFormula

    path = month_file(path, rows, header=header)
    workbook = openpyxl.load_workbook(path)
    worksheet = workbook.active
    worksheet[ref.split(":")[0]] = ArrayFormula(ref, "={1;2}")
    workbook.save(path)
    return path


ARRAY_ROWS = [
    ("电子信息", "2025-09", 1, 1),
    ("新材料", "2025-09", 2, 2),
    ("新能源", "2025-09", 3, 3),
]
ARRAY_ROWS += [("生物医药", "2025-09", 4, 4)]


def test_an_array_formula_in_one_column(stats_db, tmp_path):
    path = array_sheet(tmp_path / "a.xlsx", "C4:C5", ARRAY_ROWS)
    assert plan(path).messages() == [
        "第 4 行：C列是公式：请复制后“选择性粘贴为数值”再导入。",
        "第 5 行：C列是数组公式（C4:C5）的结果：请复制后“选择性粘贴为数值”再导入。",
    ]


def test_an_array_formula_over_two_columns(stats_db, tmp_path):
    path = array_sheet(tmp_path / "b.xlsx", "C4:D5", ARRAY_ROWS)
    assert plan(path).messages() == [
        "第 4 行：C列是公式：请复制后“选择性粘贴为数值”再导入。",
        "第 5 行：C列是数组公式（C4:D5）的结果：请复制后“选择性粘贴为数值”再导入。",
    ]


def test_an_array_formula_outside_the_columns_imported_is_left_alone(stats_db, tmp_path):
    path = array_sheet(tmp_path / "c.xlsx", "F4:F5", ARRAY_ROWS)
    result = plan(path)
    assert result.ok, result.messages()


def test_two_rows_of_an_unknown_district_are_not_called_duplicates(stats_db, tmp_path):
    row = ("电子信息产业集群", None, "鼓浪屿区", 1, 9, None, None, None)
    path = industry_workbook(tmp_path / "d.xlsx", [row, row], total=False)
    assert plan(path).messages() == [
        "第 6 行：未知的区「鼓浪屿区」。",
        "第 7 行：未知的区「鼓浪屿区」。",
    ]
