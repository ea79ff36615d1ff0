"""The monthly report's 报送情况 and the dashboard count a month's reporting the same way, as of
the day: expected, received on time or late, not yet due, missing past the deadline; and the
dashboard for a month before its deadline keeps 未到期 apart from 未报 and shows the latest
month that has figures.

No frozen clock: the months are built around the real today, one whose deadline has passed and
one whose deadline is still ahead, so the tests hold on any date."""

import datetime
import io
import re
import subprocess

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from chains.models import AssignmentUnit, FigureImport, Indicator, Industry, IndustryFigure, Unit
from portal.months import previous_month
from reporting.models import MonthlyUpdate, ReportingPeriod
from reporting.reports import gather, render

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
COUNTS = ("expected", "received", "on_time", "late", "not_due", "missing")


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=SHANGHAI)


def update(code: str, unit: str, period: ReportingPeriod, submitted: datetime.date | None):
    """An update as the lead unit left it: submitted on that day, or a draft (None)."""
    when = at(submitted) if submitted else None
    return MonthlyUpdate.objects.create(
        industry=Industry.objects.get(code=code),
        unit=Unit.objects.get(code=unit),
        period=period,
        status="submitted" if submitted else "draft",
        first_submitted_at=when,
        submitted_at=when,
    )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def current(users, today):
    """This month: its deadline is ten days ahead."""
    return ReportingPeriod.objects.create(
        year=today.year,
        month=today.month,
        deadline=today + datetime.timedelta(days=10),
        lock_date=today + datetime.timedelta(days=15),
    )


@pytest.fixture
def last(users, today):
    """Last month: its deadline passed five days ago."""
    year, month = previous_month(today.year, today.month)
    return ReportingPeriod.objects.create(
        year=year,
        month=month,
        deadline=today - datetime.timedelta(days=5),
        lock_date=today - datetime.timedelta(days=1),
    )


@pytest.fixture
def reported(current, last, today):
    """Last month: 市工信局 files two industries on time and one late, 市商务局 files late,
    市交通局 keeps a draft, the others file nothing. This month (not yet due): seven updates
    are in early, 市交通局 has a draft, the other nine are not started."""
    on_time = last.deadline - datetime.timedelta(days=2)
    late = last.deadline + datetime.timedelta(days=1)
    update("electronic-information", "gxj", last, on_time)
    update("machinery-equipment", "gxj", last, on_time)
    update("new-materials", "gxj", last, late)
    update("commerce-logistics", "swj", last, late)
    update("commerce-logistics", "jtj", last, None)
    early = today - datetime.timedelta(days=1)
    for code, unit in (
        ("electronic-information", "gxj"),
        ("machinery-equipment", "gxj"),
        ("new-materials", "gxj"),
        ("new-energy", "gxj"),
        ("commerce-logistics", "swj"),
        ("financial-services", "jrj"),
        ("biomedicine", "kjj"),
    ):
        update(code, unit, current, early)
    update("commerce-logistics", "jtj", current, None)


def expected_per_unit() -> dict[str, int]:
    """From the matrix itself: each lead unit owes one update per industry it leads."""
    owed = {}
    for link in AssignmentUnit.objects.filter(role="lead").select_related("unit", "assignment"):
        owed[link.unit.name] = owed.get(link.unit.name, 0) + link.assignment.industries.count()
    return owed


def dashboard(client, period) -> tuple[dict, dict, str]:
    response = client.get(reverse("dashboard"), {"month": period.slug})
    assert response.status_code == 200
    dash = response.context["dash"]
    units = {u.name: {k: getattr(u, k) for k in COUNTS} for u in dash["units"]}
    return dict(dash["totals"]), units, response.content.decode()


def reporting_table(html: str) -> list[list[str]]:
    """The 报送情况 table of a rendered report, row by row, as text."""
    table = re.search(r'<table class="reporting">(.*?)</table>', html, re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def test_the_report_and_the_dashboard_count_the_same(client, users, reported, current, last, today):
    client.force_login(users["drc"])
    owed = expected_per_unit()
    assert sum(owed.values()) == 17
    as_of = f"截至{today.year}年{today.month}月{today.day}日"

    for period, totals in (
        # Before the deadline: seven in early, ten not yet due — and none missing.
        (current, {"expected": 17, "received": 7, "on_time": 7, "late": 0, "not_due": 10}),
        # After it: two on time, two late, thirteen missing.
        (last, {"expected": 17, "received": 4, "on_time": 2, "late": 2, "not_due": 0}),
    ):
        totals["missing"] = totals["expected"] - totals["received"] - totals["not_due"]
        shown_totals, shown_units, page = dashboard(client, period)
        data = gather.gather("monthly", period.year, period.month)
        reporting = data["reporting"]

        assert shown_totals == totals, period
        assert {k: reporting[k] for k in COUNTS} == totals, period
        assert {name: u["expected"] for name, u in shown_units.items()} == owed
        assert {r["unit"]: {k: r[k] for k in COUNTS} for r in reporting["units"]} == shown_units
        assert reporting["as_of"] == today.isoformat() and reporting["as_of_label"] == as_of[2:]
        assert f"未到期 <strong>{totals['not_due']}</strong>" in page
        assert f"未报 <strong>{totals['missing']}</strong>" in page

        # The xlsx export of the same dashboard carries the same counts per lead unit.
        export = client.get(reverse("dashboard"), {"month": period.slug, "format": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(export.content))["按牵头单位"]
        head, *body = sheet.iter_rows(values_only=True)
        assert head == ("牵头单位", "应报", "已报", "按时", "逾期报送", "未到期", "未报")
        assert {r[0]: dict(zip(COUNTS, r[1:], strict=True)) for r in body} == shown_units

        # The rendered report prints those numbers, and the date they are as of.
        html = render.report_html(data)
        rows = reporting_table(html)
        assert rows[0] == [
            "牵头单位",
            "应报（份）",
            "已报",
            "其中按时",
            "其中逾期",
            "未到截止日期",
            "未报",
        ]
        assert f"<caption>{as_of}</caption>" in html
        printed = {row[0]: [int(n) for n in row[1:]] for row in rows[1:-1]}
        assert printed == {name: [u[k] for k in COUNTS] for name, u in shown_units.items()}
        assert [int(n) for n in rows[-1][1:]] == [totals[k] for k in COUNTS]
        assert rows[-1][0].startswith(f"合计（报送率{render.pct(reporting['rate'])}%")

    # This month's summary says what is not yet due, and claims no 100 %.
    data = gather.gather("monthly", current.year, current.month)
    summary = render.generated_summary(data)
    assert (
        f"{as_of}，各牵头单位本期应报送月度进展17份，已报送7份，报送率41.18%；"
        "其中按时报送7份、逾期报送0份，按时报送率41.18%；未到截止日期10份。"
    ) in summary
    # Last month's annex lists the late and the missing, not this month's not-yet-due ones.
    annex = gather.gather("monthly", last.year, last.month)["overdue"]
    assert len(annex) == 2 + 13
    assert {"未提交（草稿）", "未报送"} <= {row["state"] for row in annex}
    assert data["overdue"] == []


def test_the_pdf_says_what_is_not_yet_due_and_as_of_when(users, reported, current, today):
    data = gather.gather("monthly", current.year, current.month)
    pdf = render.report_pdf(render.report_html(data))
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = re.sub(r"\s+", "", text)
    assert f"截至{today.year}年{today.month}月{today.day}日" in flat
    assert "未到截止日期" in flat and "未到截止日期10份" in flat
    assert "合计（报送率41.18%，按时报送率41.18%）17770100" in flat


@pytest.fixture
def last_months_figures(users, indicators, last):
    """The statistics bureau's figures for last month (and the same month a year earlier):
    nothing yet for this month."""
    record = FigureImport.objects.create(
        kind="industry_figures",
        status="applied",
        original_name="figures.xlsx",
        sha256="0" * 64,
        uploaded_by=users["stats"],
        file="statistics/none.xlsx",
    )
    output = Indicator.objects.get(code="output-month")
    electronics = Industry.objects.get(code="electronic-information")
    for year, value in ((last.year, 1100), (last.year - 1, 1000)):
        IndustryFigure.objects.create(
            source=record,
            indicator=output,
            industry=electronics,
            year=year,
            month=last.month,
            value=value,
        )


def test_a_month_before_its_deadline(client, users, current, last, last_months_figures):
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), {"month": current.slug})
    page = response.content.decode()
    dash = response.context["dash"]
    # Nothing is in yet and nothing is late: all 17 are not yet due, as the grid says.
    assert dash["totals"]["not_due"] == 17 and dash["totals"]["missing"] == 0
    assert "未报 <strong>0</strong>" in page and "未到期 <strong>17</strong>" in page
    assert {cells[-1].state for _industry, cells in dash["grid"]} == {"open"}
    # The figures are last month's, and say so.
    assert (dash["figures"]["year"], dash["figures"]["month"]) == (last.year, last.month)
    assert f"当月主要指标（{last.year}年{last.month}月）" in page
    assert "该年度暂无数据" not in page
    cells = next(c for i, c in dash["figures"]["table"] if i.code == "electronic-information")
    assert int(cells[0]["value"]) == 1100 and round(cells[0]["yoy"]) == 10
