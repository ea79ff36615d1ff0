"""Spreadsheets laid out the way a statistics bureau sends them, built with openpyxl."""

import random

import openpyxl

from chains.creditcode import generate


def credit_code(seed: int) -> str:
    rng = random.Random(seed)
    return generate(rng)


def industry_workbook(
    path, rows, *, title="2025年1-9月厦门市重点产业主要指标", total=True, units=True
):
    """rows: (industry, subsegment, district, output_month, output_ytd, output_yoy, revenue_month, revenue_ytd)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点产业"
    ws["A1"] = title
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位：市统计局    单位：万元、%"
    ws.append(["产业", "细分领域", "区", "工业总产值", None, None, "营业收入", None])
    ws.merge_cells("D3:F3")
    ws.merge_cells("G3:H3")
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:C4")
    ws.append([None, None, None, "当月", "1-9月累计", "同比增长(%)", "当月", "累计"])
    if units:
        ws.append([None, None, None, "万元", "万元", "%", "万元", "万元"])
    for row in rows:
        ws.append(list(row))
    if total:
        ws.append(["合计", None, None, "=SUM(D6:D9)", None, None, None, None])
    wb.save(path)
    return path


def enterprise_directory(path, enterprises):
    """enterprises: (name, code, district, industry, above, high_tech_year, little_giant_year)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年重点企业名录"])
    ws.append(
        [
            "企业名称",
            "统一社会信用代码",
            "所在区",
            "产业",
            "细分领域",
            "是否规上",
            "国家高新技术企业",
            '专精特新"小巨人"',
            "独角兽",
            "隐形冠军",
            "制造业单项冠军",
        ]
    )
    for name, code, district, industry, above, high_tech, giant in enterprises:
        ws.append([name, code, district, industry, None, above, high_tech, giant, None, None, None])
    wb.save(path)
    return path


def enterprise_figures(path, rows, *, title="2025年9月重点企业主要指标"):
    """rows: (code, name, revenue_month, revenue_ytd, yoy)."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append([title])
    ws.append(["统一社会信用代码", "企业名称", "营业收入（万元）", None, None])
    ws.append([None, None, "当月", "累计", "同比(%)"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def month_file(path, rows, header=("产业", "月份", "工业总产值当月(万元)"), title="单位：万元"):
    """A sheet of a title row, a header row and the rows: industry, month and one value by
    default."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path
