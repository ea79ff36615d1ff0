"""Year-on-year growth (同比增速) on the statistics pages, with known answers.

The statistics bureau's definition: 增长速度 = (报告期水平 − 上年同期水平) ÷ 上年同期水平 × 100 %,
for a cumulative figure (1–N月累计) the year so far against the same months of last year. The
bureau's own growth, when its file gives one, is shown as given: it is computed on a comparable
basis (可比口径) and need not equal the ratio of the two published values. Without a figure a
year earlier, or with a base of zero, there is no growth to show (not 0, not infinity). The pages
round to one decimal, half up, as the bureau prints (四舍五入)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from chains.figures.selectors import enterprise_figures, industry_figures
from chains.models import (
    Enterprise,
    EnterpriseFigure,
    FigureImport,
    Indicator,
    Industry,
    IndustryFigure,
)
from tests.chains.stats_files import credit_code


@pytest.fixture
def source(stats_db):
    return FigureImport.objects.create(
        kind="industry_figures",
        status="applied",
        original_name="统计局.xlsx",
        sha256="0" * 64,
        uploaded_by=stats_db["stats"],
        file="statistics/none.xlsx",
    )


def put(source, industry, indicator, year, month, value, yoy=None):
    IndustryFigure.objects.create(
        source=source,
        industry=Industry.objects.get(code=industry),
        indicator=Indicator.objects.get(code=indicator),
        year=year,
        month=month,
        value=None if value is None else Decimal(value),
        yoy=None if yoy is None else Decimal(yoy),
    )


def cells(industry: str, indicator: str, year: int = 2025) -> dict[int, dict]:
    data = industry_figures(Industry.objects.get(code=industry), year)
    row = next(r for r in data["monthly"] if r["indicator"].code == indicator)
    return dict(zip(data["months"], row["cells"], strict=True))


def test_growth_against_the_same_month_a_year_earlier(source):
    for month, now, before in (
        (7, "1100", "1000"),  # (1100 − 1000) ÷ 1000 = +10 %
        (8, "950", "1000"),  # (950 − 1000) ÷ 1000 = −5 %
        (9, "500", "0"),  # nothing to compare with: no growth
        (10, "1000", "1000"),  # the same: 0 %, which is a growth (持平), not a missing one
        (11, "12345.6", "10000"),  # 23.456 %
    ):
        put(source, "electronic-information", "output-month", 2025, month, now)
        put(source, "electronic-information", "output-month", 2024, month, before)
    put(source, "electronic-information", "output-month", 2025, 12, "800")  # no December 2024
    got = cells("electronic-information", "output-month")
    assert got[7]["yoy"] == Decimal("10") and got[7]["computed"]
    assert got[8]["yoy"] == Decimal("-5")
    assert got[9]["yoy"] is None
    assert got[10]["yoy"] == Decimal("0")
    assert got[11]["yoy"] == Decimal("23.456")
    assert got[12]["yoy"] is None and not got[12]["computed"]


def test_the_bureaus_own_growth_is_shown_as_given(source):
    # Computed it would be +10 %; the bureau says 8.5 (comparable basis): 8.5 it is.
    put(source, "electronic-information", "output-month", 2025, 9, "1100", yoy="8.5")
    put(source, "electronic-information", "output-month", 2024, 9, "1000")
    (cell,) = cells("electronic-information", "output-month").values()
    assert cell["yoy"] == Decimal("8.5") and not cell["computed"]


def test_cumulative_growth_compares_the_year_so_far(source):
    """1–9月累计 9,900 against 1–9月 of last year 9,000: +10 %, whatever the single months did
    (September alone: 1,100 against 800, +37.5 %)."""
    put(source, "electronic-information", "output-ytd", 2025, 9, "9900")
    put(source, "electronic-information", "output-ytd", 2024, 9, "9000")
    put(source, "electronic-information", "output-month", 2025, 9, "1100")
    put(source, "electronic-information", "output-month", 2024, 9, "800")
    assert cells("electronic-information", "output-ytd")[9]["yoy"] == Decimal("10")
    assert cells("electronic-information", "output-month")[9]["yoy"] == Decimal("37.5")


def test_an_enterprises_growth_is_computed_the_same_way(source):
    enterprise = Enterprise.objects.create(
        credit_code=credit_code(3),
        name="厦门甲电子有限公司",
        industry=Industry.objects.get(code="electronic-information"),
    )
    revenue = Indicator.objects.get(code="revenue-month")
    for year, month, value in (
        (2025, 9, "720"),
        (2024, 9, "800"),
        (2025, 10, "90"),
        (2024, 10, "0"),
    ):
        EnterpriseFigure.objects.create(
            source=source,
            enterprise=enterprise,
            indicator=revenue,
            year=year,
            month=month,
            value=Decimal(value),
        )
    data = enterprise_figures(enterprise, 2025)
    (row,) = data["table"]
    # (720 − 800) ÷ 800 = −10 %; October's base is zero: none.
    assert [c["yoy"] for c in row["cells"]] == [Decimal("-10"), None]


def test_the_page_rounds_to_one_decimal_half_up(source, client, stats_db):
    for month, now, before in (
        (7, "10025", "10000"),  # 0.25 % → 0.3 (half up; half to even would print 0.2)
        (8, "9875", "10000"),  # −1.25 % → −1.3
        (9, "12345.6", "10000"),  # 23.456 % → 23.5
    ):
        put(source, "electronic-information", "output-month", 2025, month, now)
        put(source, "electronic-information", "output-month", 2024, month, before)
    put(source, "electronic-information", "output-month", 2025, 10, "500")
    put(source, "electronic-information", "output-month", 2024, 10, "0")
    client.force_login(stats_db["gxj"])
    html = client.get(
        reverse("stats:industry", args=["electronic-information"]), {"year": 2025}
    ).content.decode()
    shown = [part.split("%")[0] for part in html.split('<span class="yoy computed">同比 ')[1:]]
    assert shown == ["0.3", "-1.3", "23.5"]  # and nothing for October (a base of zero)
