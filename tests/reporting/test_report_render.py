"""The report document: a hand-made snapshot rendered to HTML and to PDF with WeasyPrint. The
PDF embeds a Noto CJK font (pdftotext alone would not prove the text readable), carries the
snapshot's text, a table of contents and "第 X 页 共 Y 页"; links to the updates appear only in
the browser's HTML; the charts are valid SVG with their labels as text."""

import copy
import datetime
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from reporting.reports import render
from reporting.reports.charts import bar_chart, month_chart

ELECTRONICS_SENTENCE = "召开电子信息产业集群工作专班会议5次"


def _industry(code, name, leads, **extra):
    elements = [
        {"key": key, "label": label, "entries": []}
        for key, label in (
            ("organisation", "组织领导"),
            ("roadmap", "产业发展路线图"),
            ("policy", "政策"),
            ("platform", "平台载体"),
            ("projects", "项目策划"),
            ("investment", "精准招商"),
        )
    ]
    return {
        "code": code,
        "name": name,
        "leads": leads,
        "officials": ["黄晓舟"],
        "figures": [],
        "elements": elements,
        "projects": [],
        "problems": [],
        "actions": [],
        "suggestions": [],
        "missing": [],
        **extra,
    }


def snapshot() -> dict:
    """A September report: 市工信局 filed 电子信息 (update 16); 市科技局 filed nothing for
    生物医药."""
    electronics = _industry(
        "electronic-information",
        "电子信息产业集群",
        ["市工信局"],
        figures=[
            {
                "indicator": "工业总产值（当月）",
                "unit": "万元",
                "value": "130355.80",
                "yoy": "6.60",
            }
        ],
        projects=[
            {
                "name": "电子信息重点项目27号",
                "stage": "在建",
                "investment": "11.00",
                "progress": "主体结构封顶。",
                "unit": "市工信局",
                "update": 16,
            }
        ],
        problems=[
            {
                "description": "项目用地指标紧张，需协调解决。",
                "concerned": "重点项目",
                "status": "escalated",
                "status_label": "已提请协调",
                "meeting": None,
                "unit": "市工信局",
                "update": 16,
            }
        ],
        suggestions=[{"unit": "市工信局", "update": 16, "text": "建议统筹协调用地指标。"}],
    )
    electronics["elements"][0]["entries"] = [
        {
            "unit": "市工信局",
            "update": 16,
            "month": "",
            "text": f"{ELECTRONICS_SENTENCE}，梳理重点任务清单。",
        }
    ]
    biomedicine = _industry("biomedicine", "生物医药产业", ["市科技局"], missing=["市科技局"])
    return {
        "kind": "monthly",
        "year": 2026,
        "number": 9,
        "period_label": "2026年9月",
        "title": "厦门市“4+4+6”现代化产业体系建设2026年9月工作进展情况",
        "issuer": "厦门市发展和改革委员会",
        "issuer_short": "市发改委",
        "generated_at": "2026-10-12T09:30:00+08:00",
        "date_label": "2026年10月12日",
        "reporting": {
            "expected": 2,
            "received": 1,
            "on_time": 1,
            "late": 0,
            "missing": 1,
            "rate": "50.00",
            "on_time_rate": "50.00",
            "units": [
                {"unit": "市科技局", "expected": 1, "on_time": 0, "late": 0, "missing": 1},
                {"unit": "市工信局", "expected": 1, "on_time": 1, "late": 0, "missing": 0},
            ],
        },
        "headline": [
            {
                "label": "1个重点产业工业总产值（当月）合计",
                "value": "130355.80",
                "unit": "万元",
                "yoy": "6.60",
            }
        ],
        "categories": [
            {
                "code": "pillar",
                "name": "四大支柱产业集群",
                "chart": {
                    "labels": ["电子信息产业集群"],
                    "values": [130355.8],
                    "yoy": [6.6],
                    "unit": "万元",
                    "indicator": "工业总产值（当月）",
                },
                "industries": [electronics, biomedicine],
            }
        ],
        "overdue": [
            {
                "period": "2026年9月",
                "industry": "生物医药产业",
                "unit": "市科技局",
                "deadline": "2026-10-09",
                "state": "未报送",
            }
        ],
    }


def annual_snapshot() -> dict:
    data = copy.deepcopy(snapshot())
    data.update(kind="annual", number=0, period_label="2026年度", title="2026年度报告")
    data["categories"][0]["industries"][0]["year_figures"] = {
        "indicator": "工业总产值",
        "unit": "万元",
        "this": "1375117.90",
        "last": "1280920.30",
        "yoy": "7.35",
        "months": ["129206.60", None, *["110000"] * 10],
        "last_months": ["120000"] * 12,
    }
    data.update(
        due="2027-01-31",
        policies=[
            {
                "industry": "电子信息产业集群",
                "policies": 2,
                "budget": "54700.00",
                "evaluated": 1,
                "concentration": "74.00",
                "precision": "62.00",
                "fit": "79.00",
            }
        ],
        cultivation=[],
        problems_solved=3,
        problems_open=[
            {
                "description": "人才住房保障不足。",
                "industry": "电子信息产业集群",
                "unit": "市工信局",
                "status_label": "待研究",
            }
        ],
        next_plans=[
            {
                "owner": "思明区",
                "items": [
                    {
                        "element": "精准招商",
                        "task": "引进软件信息企业20家",
                        "target": "20.00家",
                        "due_month": 12,
                        "responsible": "思明区",
                    }
                ],
            }
        ],
        next_plans_filed=1,
        districts=[
            {
                "name": "思明区",
                "kind": "区",
                "leading": ["金融服务产业集群"],
                "total": "76.60",
                "rank": 1,
                "measures": [
                    {
                        "name": "报送及时率",
                        "value": "91.7%",
                        "score": "91.70",
                        "explanation": "按时 11 项 / 应报 12 项 = 91.7%",
                    }
                ],
            }
        ],
    )
    return data


def _squash(text: str) -> str:
    """pdftotext breaks lines where the page does; compare text without the breaks."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory):
    html = render.report_html(
        snapshot(),
        comments={"industry:electronic-information": "进展总体平稳。\n请加快项目建设。"},
    )
    path = tmp_path_factory.mktemp("report") / "report.pdf"
    path.write_bytes(render.report_pdf(html))
    return path


def test_pdf_embeds_a_noto_cjk_font(pdf_file):
    fonts = subprocess.run(["pdffonts", pdf_file], capture_output=True, text=True, check=True)
    embedded = [line for line in fonts.stdout.splitlines()[2:] if "Noto" in line and "CJK" in line]
    assert embedded
    # Columns: name, type, encoding, emb, sub, uni: every Noto CJK face is embedded.
    assert all(re.search(r"\byes\s+yes\s+yes\b", line) for line in embedded)


def test_pdf_text_has_the_snapshot_toc_and_page_numbers(pdf_file):
    text = subprocess.run(
        ["pdftotext", pdf_file, "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = _squash(text)
    for expected in (
        "电子信息产业集群",
        "生物医药产业",
        "130,355.80",
        ELECTRONICS_SENTENCE,
        "电子信息重点项目27号",
        "进展总体平稳。",  # the DRC's comment on the industry
        "市科技局的月度进展未报送或未通过审核",  # the missing note
        "一、总体情况",
        "二、四大支柱产业集群",
        "附件：逾期报送情况",
    ):
        assert expected in flat, expected
    # The table of contents, with leader dots and a page number for each section.
    assert "目录" in flat
    assert re.search(r"一、总体情况\s*\.{5,}\s*2", text)
    # The cover is not counted: the contents page is page 1 of the pages after it.
    pages = text.count("\f")
    footers = re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", text)
    assert footers[0] == ("1", str(pages - 1))
    assert footers[-1] == (str(pages - 1), str(pages - 1))
    assert len(footers) == pages - 1


def test_links_to_updates_only_in_the_browser_html():
    linked = render.report_html(snapshot(), links=True)
    assert 'href="/updates/16/"' in linked
    assert "来源" in linked
    printed = render.report_html(snapshot())
    assert "/updates/" not in printed
    assert "来源" not in printed


def test_draft_and_final_labels():
    draft = render.report_html(snapshot())
    assert "草稿" in draft and "定稿" not in draft
    when = datetime.datetime(2026, 10, 15, 10, 30, tzinfo=datetime.UTC)
    final = render.report_html(snapshot(), version=2, finalised={"by": "王五", "at": when})
    assert "第2版 · 定稿" in final
    assert "王五" in final and "2026年10月15日 18:30" in final  # Asia/Shanghai
    assert "草稿" not in final


def test_summary_is_the_drcs_or_generated():
    generated = render.report_html(snapshot())
    assert "应报送月度进展2份，已报送1份，报送率50%" in generated
    assert "130,355.80万元，同比增长6.6%" in generated
    written = render.report_html(snapshot(), summary="九月各产业运行平稳。\n第二段。")
    assert "<p>九月各产业运行平稳。</p><p>第二段。</p>" in written
    assert "报送率50%；" not in written


def test_empty_parts_say_so_and_text_is_escaped():
    data = snapshot()
    data["categories"][0]["industries"][0]["projects"][0]["name"] = "<b>项目</b>"
    html = render.report_html(data, comments={"suggestions": "<script>x</script>"})
    assert "本期无。" in html  # 生物医药 has no progress, projects, problems …
    assert "<b>项目</b>" not in html and "&lt;b&gt;项目&lt;/b&gt;" in html
    assert "<script>" not in html


def test_annual_sections():
    html = render.report_html(annual_snapshot())
    for heading in (
        "三、年度主要指标",
        "四、产业政策",
        "五、市场主体培育",
        "六、问题解决情况",
        "七、各区（开发区）情况",
        "八、下一年度（2027年）工作计划",
        "九、意见建议",
    ):
        assert heading in html, heading
    assert "1,375,117.90" in html and "人才住房保障不足。" in html
    assert "引进软件信息企业20家" in html and "按时 11 项 / 应报 12 项" in html
    assert "已解决3个，尚未解决1个" in html
    # The month chart of the year's figures, the two years in its legend.
    assert "工业总产值分月情况" in html and "2025年" in html


def test_chinese_numerals():
    cases = {1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 105: "一百零五"}
    for n, expected in cases.items():
        assert render.chinese_numeral(n) == expected


def _svg(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_bar_chart_is_svg_with_labels_values_and_growth():
    svg = bar_chart(
        ["电子信息产业集群", "机械装备<产业>"],
        ["130355.80", None],
        unit="万元",
        title="工业总产值",
        yoy=[6.6, None],
    )
    root = _svg(svg)
    texts = _texts(root)
    assert "电子信息产业集群" in texts and "机械装备<产业>" in texts
    assert "130,355.8" in texts and "同比+6.6%" in texts and "—" in texts
    assert "单位：万元" in texts and "工业总产值" in texts
    assert root.get("font-family") == "Noto Sans CJK SC"
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 1  # no bar for None


def test_month_chart_is_svg_with_months_and_legend():
    svg = month_chart(
        ["100", None, "120.5"],
        [90, 95, None],
        unit="万元",
        title="产值",
        names=("2026年", "2025年"),
    )
    texts = _texts(_svg(svg))
    assert {"1月", "12月", "2026年", "2025年", "单位：万元"} <= set(texts)


def test_charts_of_nothing_are_empty():
    assert bar_chart([], [], unit="万元", title="无") == ""
    assert bar_chart(["电子信息"], [None], unit="万元", title="无") == ""
    assert month_chart([None] * 12, [], unit="万元", title="无") == ""
