"""Market-entity cultivation: the tier pipeline (candidates → recognised) per industry and
district, the year's new recognitions, the doubling plan's progress, access, the export and
flat query counts."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from accounts.access import industries_for
from chains.cultivation import selectors as cultivation
from chains.models import (
    DoublingTarget,
    Enterprise,
    EnterpriseTier,
    FigureImport,
    Indicator,
    Industry,
    IndustryFigure,
    SubSegment,
    TierStage,
    Unit,
)
from tests.chains.stats_files import credit_code

URL = reverse("stats:cultivation")
CANDIDATE, RECOGNISED = TierStage.CANDIDATE, TierStage.RECOGNISED


def enterprise(name, industry, district, *tiers, seed):
    """tiers: (tier, stage, year) each."""
    made = Enterprise.objects.create(
        credit_code=credit_code(seed),
        name=name,
        industry=industry,
        district=Unit.objects.get(name=district) if district else None,
    )
    for tier, stage, year in tiers:
        EnterpriseTier.objects.create(enterprise=made, tier=tier, stage=stage, year=year)
    return made


@pytest.fixture
def chain(stats_db):
    ei = Industry.objects.get(code="electronic-information")
    cl = Industry.objects.get(code="commerce-logistics")
    enterprise(
        "甲电子",
        ei,
        "思明区",
        ("high_tech", RECOGNISED, 2023),
        ("little_giant", CANDIDATE, 2025),
        seed=1,
    )
    enterprise(
        "乙电子",
        ei,
        "湖里区",
        ("high_tech", RECOGNISED, 2025),
        ("little_giant", RECOGNISED, 2025),
        seed=2,
    )
    enterprise("丙电子", ei, "思明区", ("high_tech", CANDIDATE, 2024), seed=3)
    enterprise("丁电子", ei, None, ("unicorn", RECOGNISED, 2019), seed=4)
    enterprise("戊物流", cl, "湖里区", ("high_tech", RECOGNISED, 2025), seed=5)
    enterprise("己电子", ei, "思明区", ("high_tech", CANDIDATE, 2026), seed=6)
    return {"ei": ei, "cl": cl, **stats_db}


def table(result):
    return [
        (
            r.industry.code if r.industry else None,
            r.district.name if r.district else None,
            r.tier,
            r.candidates,
            r.recognised,
            r.by_year,
        )
        for r in result.rows
    ]


# --- the pipeline --------------------------------------------------------------------------------


def test_pipeline_counts_candidates_and_recognitions_by_year(chain):
    result = cultivation.pipeline(industries=[chain["cl"], chain["ei"]], year=2025)
    assert result.years == [2021, 2022, 2023, 2024, 2025]
    assert table(result) == [
        # 己电子 entered the pipeline in 2026: not yet in 2025's.
        ("electronic-information", None, "high_tech", 1, 2, [0, 0, 1, 0, 1]),
        ("electronic-information", None, "little_giant", 1, 1, [0, 0, 0, 0, 1]),
        # Recognised in 2019: in the stock, outside the five years shown.
        ("electronic-information", None, "unicorn", 0, 1, [0, 0, 0, 0, 0]),
        ("commerce-logistics", None, "high_tech", 0, 1, [0, 0, 0, 0, 1]),
    ]
    totals = {r.tier: (r.candidates, r.recognised, r.by_year) for r in result.totals}
    assert totals == {
        "high_tech": (1, 3, [0, 0, 1, 0, 2]),
        "little_giant": (1, 1, [0, 0, 0, 0, 1]),
        "unicorn": (0, 1, [0, 0, 0, 0, 0]),
    }
    later = cultivation.pipeline(industries=[chain["ei"]], year=2026)
    assert table(later)[0] == ("electronic-information", None, "high_tech", 2, 2, [0, 1, 0, 1, 0])


def test_pipeline_by_district_and_for_one_district(chain):
    result = cultivation.pipeline(
        industries=[chain["ei"], chain["cl"]], year=2025, by_district=True
    )
    assert table(result) == [
        ("electronic-information", "思明区", "high_tech", 1, 1, [0, 0, 1, 0, 0]),
        ("electronic-information", "思明区", "little_giant", 1, 0, [0, 0, 0, 0, 0]),
        ("electronic-information", "湖里区", "high_tech", 0, 1, [0, 0, 0, 0, 1]),
        ("electronic-information", "湖里区", "little_giant", 0, 1, [0, 0, 0, 0, 1]),
        ("electronic-information", None, "unicorn", 0, 1, [0, 0, 0, 0, 0]),  # no district
        ("commerce-logistics", "湖里区", "high_tech", 0, 1, [0, 0, 0, 0, 1]),
    ]
    siming = Unit.objects.get(name="思明区")
    only = cultivation.pipeline(industries=[chain["ei"], chain["cl"]], year=2025, district=siming)
    assert table(only) == [
        ("electronic-information", "思明区", "high_tech", 1, 1, [0, 0, 1, 0, 0]),
        ("electronic-information", "思明区", "little_giant", 1, 0, [0, 0, 0, 0, 0]),
    ]


def test_new_recognitions_of_a_year_by_tier(chain):
    groups = cultivation.new_recognitions(industries=[chain["ei"], chain["cl"]], year=2025)
    assert [(g.tier, [t.enterprise.name for t in g.tiers]) for g in groups] == [
        ("high_tech", ["乙电子", "戊物流"]),  # by industry, then name
        ("little_giant", ["乙电子"]),
    ]
    assert groups[0].tiers[1].enterprise.district.name == "湖里区"
    assert cultivation.new_recognitions(industries=[chain["ei"]], year=2024) == []
    huli_cl = cultivation.new_recognitions(
        industries=[chain["cl"]], year=2025, district=Unit.objects.get(name="湖里区")
    )
    assert [t.enterprise.name for g in huli_cl for t in g.tiers] == ["戊物流"]


# --- the doubling plan ------------------------------------------------------------------------------


def figure(source, industry, code, month, value, *, year=2025, **extra):
    return IndustryFigure.objects.create(
        source=source,
        industry=industry,
        indicator=Indicator.objects.get(code=code),
        year=year,
        month=month,
        value=value,
        **extra,
    )


@pytest.fixture
def doubling(chain):
    ei, cl = chain["ei"], chain["cl"]
    source = FigureImport.objects.create(
        kind="industry_figures",
        status="applied",
        file="statistics/x.xlsx",
        original_name="x.xlsx",
        sha256="0" * 64,
        uploaded_by=chain["stats"],
    )
    # Cumulative (1–N月累计): the latest month's value is the year so far.
    for month, value in ((1, 200), (2, 450), (3, 1300)):
        figure(source, ei, "output-ytd", month, value)
    figure(source, ei, "output-ytd", 4, 5000, is_current=False)  # an old revision
    figure(source, ei, "output-ytd", 12, 9000, year=2024)
    figure(source, ei, "output-ytd", 3, 999, district=Unit.objects.get(name="思明区"))
    part = SubSegment.objects.create(industry=ei, name="集成电路")
    figure(source, ei, "output-ytd", 3, 777, subsegment=part)
    # Monthly: the months add up; a missing value is no month.
    for month, value in ((1, 40), (2, 50), (3, None)):
        figure(source, cl, "revenue-month", month, value)
    targets = {
        "ei": DoublingTarget.objects.create(
            industry=ei,
            indicator=Indicator.objects.get(code="output-ytd"),
            base_year=2022,
            base_value=1000,
            target_year=2027,
            target_value=2000,
        ),
        "cl": DoublingTarget.objects.create(
            industry=cl,
            indicator=Indicator.objects.get(code="revenue-month"),
            base_year=2023,
            base_value=50,
            target_year=2025,
            target_value=150,
        ),
        "none": DoublingTarget.objects.create(
            industry=ei,
            indicator=Indicator.objects.get(code="value-added-ytd"),
            base_year=2022,
            base_value=100,
            target_year=2026,
            target_value=200,
        ),
    }
    return {**chain, "targets": targets}


def test_doubling_progress_against_hand_computed_values(doubling):
    result = cultivation.doubling_progress(industries=[doubling["ei"], doubling["cl"]], year=2025)
    by_target = {p.target.pk: p for p in result}
    ei = by_target[doubling["targets"]["ei"].pk]
    # 1300 at March: (1300 − 1000) / (2000 − 1000) = 30 %; three of five plan years gone.
    assert (ei.value, ei.latest_month, ei.share, ei.time_share) == (1300, 3, 30, 60)
    cl = by_target[doubling["targets"]["cl"].pk]
    # 40 + 50 = 90: (90 − 50) / (150 − 50) = 40 %; the plan's years are all gone.
    assert (cl.value, cl.months, cl.share, cl.time_share) == (90, [1, 2], 40, 100)
    none = by_target[doubling["targets"]["none"].pk]
    assert not none.has_figures and none.value is None and none.share is None
    assert cultivation.doubling_progress(industries=[doubling["ei"]], year=2024)[0].share == 800
    assert [p.target.industry.code for p in result] == [
        "electronic-information",
        "electronic-information",
        "commerce-logistics",
    ]


def test_doubling_progress_on_the_page(client, doubling):
    client.force_login(doubling["drc"])
    html = client.get(URL, {"year": 2025}).content.decode()
    assert f'data-target="{doubling["targets"]["ei"].pk}"' in html
    assert "30.0%" in html and "40.0%" in html
    assert html.count('class="muted no-figures"') == 1  # the value-added target


# --- the page and access ----------------------------------------------------------------------------


def test_page_shows_pipeline_and_new_recognitions(client, chain):
    client.force_login(chain["stats"])
    html = client.get(URL, {"year": 2025}).content.decode()
    assert 'id="pipeline"' in html
    assert 'id="recognised-high_tech"' in html and "乙电子" in html and "戊物流" in html
    assert reverse("stats:enterprise", args=[Enterprise.objects.get(name="乙电子").pk]) in html
    html = client.get(URL, {"year": 2025, "by": "district", "district": "huli"}).content.decode()
    assert "湖里区" in html and "甲电子" not in html


def test_a_unit_sees_only_its_industries(client, chain):
    swj = chain["swj"]
    assert list(industries_for(swj)) == [chain["cl"]]
    client.force_login(swj)
    response = client.get(URL, {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert "戊物流" in html and "乙电子" not in html
    assert 'value="electronic-information"' not in html  # not offered as a filter either
    assert [r.industry for r in response.context["pipeline"].rows] == [chain["cl"]]
    # Filtering to an industry the unit does not view is refused, as its own page is.
    assert client.get(URL, {"industry": "electronic-information"}).status_code == 403
    assert client.get(URL, {"industry": "no-such-industry"}).status_code == 404
    assert client.get(URL, {"district": "nowhere"}).status_code == 404
    client.force_login(chain["gxj"])
    html = client.get(URL, {"industry": "electronic-information", "year": 2025}).content.decode()
    assert "乙电子" in html and "戊物流" not in html


def test_pipeline_export(client, chain):
    client.force_login(chain["drc"])
    response = client.get(URL, {"year": 2025, "by": "district", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["培育梯次"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "产业",
        "区",
        "梯次",
        "培育对象（家）",
        "已认定（截至2025年，家）",
        "2021年认定",
        "2022年认定",
        "2023年认定",
        "2024年认定",
        "2025年认定",
    )
    assert rows[1] == ("电子信息产业集群", "思明区", "国家高新技术企业", 1, 1, 0, 0, 1, 0, 0)
    assert ("电子信息产业集群", "—", "独角兽", 0, 1, 0, 0, 0, 0, 0) in rows
    assert rows[-3][0] == "合计" and rows[-3][2:5] == ("国家高新技术企业", 1, 3)
    client.force_login(chain["swj"])
    response = client.get(URL, {"year": 2025, "format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[0] for r in rows[1:]] == ["商贸物流产业集群", "合计"]


def test_query_counts_stay_flat(client, doubling, django_assert_max_num_queries):
    client.force_login(doubling["drc"])
    params = {"year": 2025, "by": "district"}
    client.get(URL, params)
    with django_assert_max_num_queries(20) as few:
        client.get(URL, params)
    industries = list(Industry.objects.all())
    districts = list(Unit.objects.filter(kind="district"))
    for n in range(60):
        enterprise(
            f"企业{n:02d}",
            industries[n % len(industries)],
            districts[n % len(districts)].name,
            ("high_tech", RECOGNISED, 2021 + n % 5),
            ("little_giant", CANDIDATE, 2025),
            ("single_champion", RECOGNISED, 2025),
            seed=100 + n,
        )
    with django_assert_max_num_queries(20) as many:
        html = client.get(URL, params).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "企业59" in html
    with django_assert_max_num_queries(20):
        client.get(URL, {**params, "format": "xlsx"})


def test_links_from_the_industry_pages(client, chain):
    client.force_login(chain["gxj"])
    link = f"{URL}?industry=electronic-information"
    html = client.get(reverse("industry", args=["electronic-information"])).content
    assert link in html.decode()
    html = client.get(reverse("stats:industry", args=["electronic-information"])).content
    assert link in html.decode()
    client.force_login(chain["stats"])
    assert URL in client.get(reverse("stats:home")).content.decode()


def test_admin_edits_the_stage_of_a_tier(client, chain):
    client.force_login(chain["admin"])
    made = Enterprise.objects.get(name="甲电子")
    html = client.get(reverse("admin:chains_enterprise_change", args=[made.pk])).content.decode()
    assert 'name="tiers-0-stage"' in html and 'value="candidate"' in html


def test_demo_seeds_candidates_and_doubling_targets(stats_db):
    import datetime

    from chains.figures.demo import demo_figures_seed

    today = datetime.date(2025, 11, 10)
    assert demo_figures_seed(today=today, enterprises=40) == 40
    stages = set(EnterpriseTier.objects.values_list("stage", flat=True))
    assert stages == {CANDIDATE, RECOGNISED}
    assert EnterpriseTier.objects.filter(stage=RECOGNISED, year=2025).exists()
    progress = cultivation.doubling_progress(industries=Industry.objects.all(), year=2025)
    assert len(progress) == 5
    # The demo base lies between 55 % and 80 % of the year so far: a share of 25–82 %.
    assert all(Decimal(20) < p.share < Decimal(85) for p in progress)


def test_enterprise_pages_mark_candidate_tiers(client, chain):
    """A tier an enterprise is only cultivated for is not shown as one it holds."""
    client.force_login(chain["drc"])
    made = Enterprise.objects.get(name="甲电子")
    for url in (
        reverse("stats:enterprise", args=[made.pk]),
        reverse("stats:industry", args=["electronic-information"]),
    ):
        html = client.get(url).content.decode()
        assert '<span class="chip">国家高新技术企业 2023</span>' in html
        assert '<span class="chip candidate">专精特新“小巨人”企业 2025（培育对象）</span>' in html
