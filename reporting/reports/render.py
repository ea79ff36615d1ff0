"""The report as a document: the snapshot from `gather` rendered to HTML
(templates/reporting/reports/pdf/report.html), and that HTML to PDF with WeasyPrint.

The layout follows the conventions of Chinese official documents (GB/T 9704): A4, a red 版头
naming the issuer, a centred title, headings numbered 一、（一）1.（1）. Heading numbers depend on
which sections a report has (the annual report has more), so the outline is numbered here and
the template only prints it.

The template is rendered by an engine of its own: it needs no request, and it loads this
module's filters (`{% load report_pdf %}`) without a templatetags module.
"""

import datetime
import functools
from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.pdf import html_pdf
from reporting.reports.charts import bar_chart, month_chart

TEMPLATE = "reporting/reports/pdf/report.html"
NONE = "本期无。"
DIGITS = "零一二三四五六七八九"
UNITS = ((1000, "千"), (100, "百"), (10, "十"))

register = template.Library()


# --- numbers ----------------------------------------------------------------------------------


@register.filter(name="cn")
def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五: heading numbers up to 9999."""
    n = int(n)
    if not 0 < n < 10000:
        return str(n)
    if 10 <= n < 20:  # 十一, not 一十一
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    text, zero = "", False
    for size, unit in UNITS:
        digit, n = divmod(n, size)
        if digit:
            text += ("零" if zero else "") + DIGITS[digit] + unit
            zero = False
        elif text:
            zero = True
    if n:
        text += ("零" if zero else "") + DIGITS[n]
    return text


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def num(value) -> str:
    """A snapshot number ("1227672.10") with its thousands grouped ("1,227,672.10"); a dash
    when there is none."""
    number = _decimal(value)
    if number is None:
        return "—"
    exponent = number.as_tuple().exponent  # keep the snapshot's decimals
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{number:,.{places}f}"


@register.filter
def pct(value) -> str:
    """A percentage without needless decimals: "100.00" → "100", "6.60" → "6.6"."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@register.filter
def growth(value) -> str:
    """Year-on-year growth in words: 同比增长6.6% / 同比下降3.2% / 同比持平."""
    number = _decimal(value)
    if number is None:
        return ""
    if number > 0:
        return f"同比增长{pct(number)}%"
    if number < 0:
        return f"同比下降{pct(-number)}%"
    return "同比持平"


@register.filter
def flagged_any(rows) -> bool:
    """Whether any figure of a table is marked as flagged and unexplained."""
    return any(row.get("flagged") for row in rows or ())


@register.filter
def sign(value) -> str:
    """The class colouring a growth figure: "up", "down" or ""."""
    number = _decimal(value)
    if not number:
        return ""
    return "up" if number > 0 else "down"


@register.filter
def paragraphs(text: str) -> str:
    """The DRC's text, one paragraph per line (a single line break starts a new paragraph, as
    people type them in a text box)."""
    lines = (line.strip() for line in str(text or "").splitlines())
    return mark_safe("".join(f"<p>{escape(line)}</p>" for line in lines if line))


# --- the outline ------------------------------------------------------------------------------


def _section(key: str, title: str, template_name: str, **extra) -> dict:
    return {
        "key": key,
        "title": title,
        "template": f"reporting/reports/pdf/{template_name}",
        **extra,
    }


def _unique_suggestions(industry: dict) -> list[dict]:
    """A unit's suggestion repeated month after month is listed once (with its first update)."""
    seen, unique = set(), []
    for item in industry.get("suggestions", []):
        key = (item["unit"], item["text"])
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _category_section(category: dict, annual: bool, comments: dict) -> dict:
    chart = category.get("chart") or {}
    indicator = chart.get("indicator", "")
    if annual:  # the bars are the year's sums of the monthly figure
        named = [
            i["year_figures"]["indicator"] for i in category["industries"] if i.get("year_figures")
        ]
        indicator = (named[0] if named else indicator) + "全年合计"
    yoy = chart.get("yoy") or []
    industries = [
        {
            **industry,
            "num": f"（{chinese_numeral(n)}）",
            "id": f"industry-{industry['code']}",
            "comment": comments.get(f"industry:{industry['code']}", ""),
            "suggestions": _unique_suggestions(industry),
            "has_progress": any(e["entries"] for e in industry.get("elements", [])),
        }
        for n, industry in enumerate(category["industries"], start=1)
    ]
    return _section(
        f"category:{category['code']}",
        category["name"],
        "_category.html",
        industries=industries,
        chart=bar_chart(
            chart.get("labels", []),
            chart.get("values", []),
            unit=chart.get("unit", ""),
            title=f"{category['name']}{indicator}",
            yoy=yoy if any(v is not None for v in yoy) else None,
        ),
    )


def _year_figures_section(data: dict) -> dict:
    year = data["year"]
    industries = []
    for industry in (i for c in data["categories"] for i in c["industries"]):
        figures = industry.get("year_figures")
        if not figures:
            continue
        industries.append(
            {
                "name": industry["name"],
                "figures": figures,
                "chart": month_chart(
                    figures.get("months", []),
                    figures.get("last_months", []),
                    unit=figures.get("unit", ""),
                    title=f"{industry['name']}{figures['indicator']}分月情况",
                    names=(f"{year}年", f"{year - 1}年"),
                ),
            }
        )
    for n, industry in enumerate((i for i in industries if i["chart"]), start=1):
        industry["num"] = f"（{chinese_numeral(n)}）"
    return _section("year_figures", "年度主要指标", "_year_figures.html", industries=industries)


def outline(data: dict, comments: dict | None = None) -> list[dict]:
    """The report's numbered sections (一、二、…), each with the partial that prints it; the
    category sections carry their industries, numbered （一）（二）…"""
    comments = comments or {}
    annual = data.get("kind") == "annual"
    sections = [_section("overview", "总体情况", "_overview.html")]
    sections += [_category_section(c, annual, comments) for c in data.get("categories", [])]
    # Reports drafted before the register and the land section existed have neither.
    if data.get("pipeline"):
        sections.append(_section("pipeline", "重点项目推进情况", "_pipeline.html"))
    if data.get("land"):
        sections.append(_section("land", "空间统筹和用地保障", "_land.html"))
    if data.get("leads"):
        sections.append(_section("leads", "精准招商", "_leads.html"))
    if data.get("innovation"):
        sections.append(_section("innovation", "科技创新", "_innovation.html"))
    if annual:
        sections += [
            _year_figures_section(data),
            _section("policies", "产业政策", "_policies.html"),
            _section("cultivation", "市场主体培育", "_cultivation.html"),
            _section("problems", "问题解决情况", "_problems.html"),
            _section("districts", "各区（开发区）情况", "_districts.html"),
            _section("next_plans", f"下一年度（{data['year'] + 1}年）工作计划", "_next_plans.html"),
        ]
    sections.append(
        _section(
            "suggestions",
            "意见建议",
            "_suggestions.html",
            compiled=[
                {"industry": industry["name"], "items": _unique_suggestions(industry)}
                for c in data.get("categories", [])
                for industry in c["industries"]
                if industry.get("suggestions")
            ],
        )
    )
    for n, section in enumerate(sections, start=1):
        section["num"] = f"{chinese_numeral(n)}、"
        section["id"] = f"part-{n}"
    return sections


def _toc(sections: list[dict]) -> list[dict]:
    toc = []
    for section in sections:
        toc.append({"level": 1, "id": section["id"], "label": section["num"] + section["title"]})
        if section["key"].startswith("category:"):  # the industries, not the annual charts
            toc += [
                {"level": 2, "id": i["id"], "label": i["num"] + i["name"]}
                for i in section["industries"]
            ]
    toc.append({"level": 1, "id": "annex-overdue", "label": "附件：逾期报送情况"})
    return toc


# --- the summary ------------------------------------------------------------------------------


def generated_summary(data: dict) -> str:
    """The overview's opening when the DRC has written none: the reporting rate and the
    headline figures in a sentence or two."""
    reporting = data.get("reporting") or {}
    annual = data.get("kind") == "annual"
    scope = "全年" if annual else "本期"
    if not reporting.get("expected"):
        text = f"{scope}无应报送的月度进展。"
    else:
        # The date the counts are as of: before a deadline, some updates are not yet due.
        as_of = f"截至{reporting['as_of_label']}，" if reporting.get("as_of_label") else ""
        rest = [
            f"{label}{reporting[key]}份"
            for key, label in (("not_due", "未到截止日期"), ("missing", "未报送"))
            if reporting.get(key)
        ]
        text = (
            f"{data.get('period_label', '')}，{as_of}各牵头单位{scope}应报送月度进展"
            f"{reporting['expected']}份，已报送{reporting['received']}份，"
            f"报送率{pct(reporting['rate'])}%；"
            f"其中按时报送{reporting['on_time']}份、逾期报送{reporting['late']}份，"
            f"按时报送率{pct(reporting['on_time_rate'])}%"
            + ("；" + "，".join(rest) if rest else "")
            + "。"
        )
    for figure in data.get("headline", []):
        change = growth(figure.get("yoy"))
        text += f"{figure['label']}{num(figure['value'])}{figure['unit']}" + (
            f"，{change}。" if change else "。"
        )
    return text


# --- rendering --------------------------------------------------------------------------------


def _when(value) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value or "")


@functools.cache
def _engine() -> template.Engine:
    # debug as the site's: templates are re-read on each render in development only.
    return template.Engine(
        dirs=[settings.BASE_DIR / "templates"],
        debug=settings.DEBUG,
        libraries={"report_pdf": "reporting.reports.render"},
    )


def report_html(
    data: dict,
    *,
    summary: str = "",
    comments: dict | None = None,
    links: bool = False,
    version: int | None = None,
    finalised: dict | None = None,
) -> str:
    """The report as one HTML document (styles inline, charts as inline SVG, nothing fetched).

    `summary` and `comments` are the DRC's text (comments keyed "industry:<code>" and
    "suggestions"); `links` adds a "来源" link from each compiled entry to its update (for the
    page in the browser, not the PDF); a report with a `version` is final, and `finalised`
    ({"by": name, "at": datetime}) says who finalised it and when. Without a version the
    report is marked as a draft."""
    comments = comments or {}
    sections = outline(data, comments)
    finalised = finalised or {}
    context = {
        "data": data,
        "sections": sections,
        "toc": _toc(sections),
        "summary": summary.strip(),
        "generated_summary": "" if summary.strip() else generated_summary(data),
        "comments": comments,
        "links": links,
        "draft": version is None,
        "version": version,
        "finalised_by": finalised.get("by") or "",
        "finalised_at": _when(finalised.get("at")),
        "generated_at": _when(_parse_datetime(data.get("generated_at"))),
        "none": NONE,
    }
    return _engine().get_template(TEMPLATE).render(template.Context(context))


def _parse_datetime(text: str | None):
    try:
        return datetime.datetime.fromisoformat(text) if text else None
    except ValueError:
        return text


def report_pdf(html: str) -> bytes:
    """The report's HTML rendered to PDF (portal.pdf): bookmarks from its headings."""
    return html_pdf(html)
