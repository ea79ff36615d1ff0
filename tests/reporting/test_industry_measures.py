"""The right indicator for each industry (产值或营收) and no figure added twice: 营业收入 for
商贸物流, 金融服务 and 文旅创意, 工业总产值 for the manufacturing clusters; the six future industries
are counted in their clusters, so a city total leaves them out and says so — on the dashboard,
in the district assessment and in the reports."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from chains.models import FigureImport, Indicator, Industry, IndustryFigure, LeadingIndustry, Unit
from chains.quality.models import IndustryMeasure
from chains.quality.selectors import industry_measures
from reporting.assessment import scoring as assessment
from reporting.choices import AssessmentMetric
from reporting.reports import services as reports
from tests.reporting.test_assessment import data, measure, rows_by_code  # noqa: F401

SEPTEMBER = reports.Period("monthly", 2025, 9)


@pytest.fixture
def measures(matrix):
    call_command("load_indicators", verbosity=0)
    call_command("load_validation_rules", verbosity=0)


def test_the_defaults_name_each_industrys_measure(measures):
    by_code = {
        m.industry.code: m
        for m in IndustryMeasure.objects.select_related("industry", "headline", "counted_in")
    }
    assert len(by_code) == 14
    for code in ("commerce-logistics", "financial-services", "culture-tourism-creative"):
        assert by_code[code].headline.code == "revenue-month"
    for code in ("electronic-information", "machinery-equipment", "biomedicine", "new-materials"):
        assert by_code[code].headline.code == "output-month" and by_code[code].counted_in is None
    assert by_code["frontier-strategic-materials"].counted_in.code == "new-materials"
    assert by_code["genes-biotechnology"].counted_in.code == "biomedicine"
    future = Industry.objects.filter(category__code="future")
    assert {by_code[i.code].counted_in_id is not None for i in future} == {True}


def test_a_headline_must_be_a_monthly_money_indicator(measures):
    from django.core.exceptions import ValidationError

    measure_ = IndustryMeasure.objects.get(industry__code="commerce-logistics")
    measure_.headline = Indicator.objects.get(code="revenue-ytd")
    with pytest.raises(ValidationError, match="当月指标"):
        measure_.full_clean()


def figures(users, rows, year=2025, month=9):
    source = FigureImport.objects.create(
        kind="industry_figures", status="applied", uploaded_by=users["stats"]
    )
    indicators = {i.code: i for i in Indicator.objects.all()}
    for code, indicator, value, last in rows:
        for y, v in ((year, value), (year - 1, last)):
            IndustryFigure.objects.create(
                source=source,
                indicator=indicators[indicator],
                industry=Industry.objects.get(code=code),
                year=y,
                month=month,
                value=Decimal(v),
            )


ROWS = [
    ("electronic-information", "output-month", 100, 80),
    ("new-materials", "output-month", 50, 40),
    ("frontier-strategic-materials", "output-month", 20, 10),  # counted in 新材料
    ("commerce-logistics", "revenue-month", 70, 60),
    ("commerce-logistics", "output-month", 5, 5),  # not its measure
]


@pytest.fixture
def draft(accepted, measures, users):
    figures(users, ROWS)
    job, _created = reports.report_request(period=SEPTEMBER, user=users["drc"])
    return reports.job_run(job.pk)


def test_the_report_totals_each_measure_once(draft):
    headline = {row["label"]: row for row in draft.data["headline"]}
    output = headline["2个重点产业工业总产值（当月）合计"]
    assert output["value"] == "150.00" and output["yoy"] == "25.00"  # 150 ÷ 120
    revenue = headline["1个重点产业营业收入（当月）合计"]
    assert revenue["value"] == "70.00"
    assert "前沿战略材料" in draft.data["headline_note"]
    assert "不重复相加" in draft.data["headline_note"]


def test_the_dashboard_marks_headlines_and_totals_without_double_counting(
    draft, users, client, september
):
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), {"month": september.slug})
    summary = response.context["dash"]["figures"]
    names = [str(i) for i in summary["indicators"]]
    rows = {
        industry.code: dict(zip(names, cells, strict=True)) for industry, cells in summary["table"]
    }
    assert rows["commerce-logistics"]["营业收入（当月，万元）"]["headline"] is True
    assert rows["commerce-logistics"]["工业总产值（当月，万元）"]["headline"] is False
    assert rows["electronic-information"]["工业总产值（当月，万元）"]["headline"] is True
    total = dict(zip(names, summary["total"], strict=True))
    assert total["工业总产值（当月，万元）"]["value"] == 155  # 100 + 50 + 5, not 前沿战略材料's 20
    assert summary["left_out"] == ["前沿战略材料"]
    page = response.content.decode()
    assert 'id="figures-total"' in page and "全市合计不含前沿战略材料" in page


def test_the_assessment_adds_a_future_industry_once(data, users):  # noqa: F811
    call_command("load_validation_rules", verbosity=0)
    siming = Unit.objects.get(code="siming")
    genes = Industry.objects.get(code="genes-biotechnology")
    LeadingIndustry.objects.create(unit=siming, industry=genes)
    source = FigureImport.objects.first()
    for year, value in ((2025, 500), (2024, 100)):
        IndustryFigure.objects.create(
            source=source,
            indicator=Indicator.objects.get(code="output-month"),
            industry=genes,
            district=siming,
            year=year,
            month=1,
            value=value,
        )
    row = rows_by_code(assessment.district_assessment(year=2025))["siming"]
    growth = measure(row, AssessmentMetric.FIGURE_GROWTH)
    assert growth.value == Decimal("6.1")  # as without 基因与生物技术, already in 生物医药
    assert "基因与生物技术：数据已计入生物医药产业，不重复相加" in growth.details


def test_measures_read_in_one_query(measures, django_assert_num_queries):
    with django_assert_num_queries(1):
        loaded = industry_measures()
    ci = Industry.objects.get(code="commerce-logistics").pk
    assert loaded.of(ci).code == "revenue-month"
