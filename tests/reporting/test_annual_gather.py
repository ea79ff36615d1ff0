"""Issue 13, never exercised: the annual report's own sections (gather._annual_extras) gathered
from a year of real rows — policies and their evaluations, tiers granted and not, problems of
accepted and other updates, next year's plans in every state, the districts' assessment — each
checked against numbers written out or counted here, not read back from the code under test."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import translation

from chains.figures.models import Tier
from chains.models import Industry, Instrument, Unit
from chains.policies import services as policies
from reporting.assessment.scoring import district_assessment
from reporting.choices import ProblemStatus, UpdateStatus
from reporting.models import PlanItem, Problem
from reporting.reports import gather
from tests.reporting.test_assessment import Builder, at, data  # noqa: F401  (the assessment's year of data)

YEAR = 2025


def _policy(industry, user, title, budget):
    return policies.policy_create(
        industry=industry,
        user=user,
        title=title,
        issuer=Unit.objects.get(name="市工信局"),
        issued_on=datetime.date(2024, 3, 1),
        instruments=[Instrument.FISCAL],
        budget=Decimal(budget),
    )


def _evaluate(policy, user, day, c, p, f):
    policies.policy_evaluate(
        policy=policy, user=user, evaluated_on=day, concentration=c, precision=p, fit=f
    )


@pytest.fixture
def year(data: Builder, users):  # noqa: F811  (the fixture imported above)
    b = data
    ei = Industry.objects.get(code="electronic-information")
    cl = Industry.objects.get(code="commerce-logistics")
    # Policies: three for 电子信息 (two evaluated; one of them twice, the later counts), one
    # for 商贸物流 never evaluated.
    one = _policy(ei, users["gxj"], "电子信息政策一", "1000.50")
    two = _policy(ei, users["gxj"], "电子信息政策二", "2000")
    _policy(ei, users["gxj"], "电子信息政策三", "300")
    _policy(cl, users["swj"], "商贸物流政策", "450")
    _evaluate(one, users["drc"], datetime.date(2025, 1, 10), 10, 10, 10)  # superseded
    _evaluate(one, users["drc"], datetime.date(2025, 3, 10), 80, 70, 60)
    _evaluate(two, users["drc"], datetime.date(2025, 2, 10), 90, 50, 61)
    # Tiers granted in the year (besides the assessment's: granted other years or candidates)
    r, c = "recognised", "candidate"
    b.enterprise(
        "siming", "electronic-information", ("high_tech", r, 2025), ("little_giant", r, 2025)
    )
    b.enterprise("huli", "machinery-equipment", ("high_tech", r, 2025))
    b.enterprise("huli", "biomedicine", ("single_champion", c, 2025), ("unicorn", r, 2024))
    # Problems: of accepted updates of the year (each status), of a submitted update, of an
    # accepted update of the year before.
    gxj = {
        u.period.month: u
        for u in b.industry["electronic-information"]
        .updates.filter(unit__name="市工信局", period__year=YEAR)
        .select_related("period")
    }
    siming_jan = b.industry["electronic-information"].updates.get(
        unit__name="思明区", period__year=YEAR, period__month=1
    )
    b.periods(YEAR - 1)
    last_year = b.update(
        "gxj", "electronic-information", YEAR - 1, 12, status=UpdateStatus.ACCEPTED
    )
    for update, description, status in (
        (gxj[1], "用地指标不足", ProblemStatus.OPEN),
        (gxj[1], "环评批复慢", ProblemStatus.RESOLVED),
        (gxj[1], "电力增容", ProblemStatus.ESCALATED),
        (gxj[2], "人才公寓", ProblemStatus.IN_MEETING),
        (gxj[2], "融资难", ProblemStatus.RESOLVED),
        (gxj[4], "海关通关", ProblemStatus.OPEN),
        (gxj[3], "未通过审核的问题", ProblemStatus.OPEN),  # submitted, not accepted
        (siming_jan, "未通过审核的已解决问题", ProblemStatus.RESOLVED),  # submitted
        (last_year, "去年的问题", ProblemStatus.OPEN),
    ):
        Problem.objects.create(update=update, description=description, type="land", status=status)
    # Next year's plans: accepted, submitted (filed), and a draft; this year's do not count.
    accepted = b.plan(
        "gxj", YEAR + 1, industry="electronic-information", submitted=at(YEAR + 1, 1, 10)
    )
    own = b.plan("siming", YEAR + 1, submitted=at(YEAR + 1, 1, 12))
    filed = b.plan("huli", YEAR + 1, status=UpdateStatus.SUBMITTED, submitted=at(YEAR + 1, 1, 15))
    draft = b.plan("gxj", YEAR + 1, status=UpdateStatus.DRAFT)
    for plan, element, task, target, due, position in (
        (accepted, "projects", "策划重点项目", ("20", "个"), 6, 0),
        (accepted, "investment", "招商签约", None, 12, 1),
        (own, "platform", "建设载体", ("5", "万平方米"), 9, 0),
        (filed, "policy", "出台政策", None, 3, 0),
        (draft, "policy", "草稿里的任务", None, 3, 0),
    ):
        PlanItem.objects.create(
            plan=plan,
            element=element,
            task=task,
            target_value=Decimal(target[0]) if target else None,
            target_unit=target[1] if target else "",
            responsible=plan.unit,
            due_month=due,
            position=position,
        )
    return b


def test_the_annual_sections_count_what_the_year_holds(year):
    with translation.override("zh-hans"):
        snapshot = gather.gather("annual", YEAR)
        labels = {tier: str(label) for tier, label in Tier.choices}

    # Policies: one row per industry, the counts and budgets of the registers.
    by_industry = {row["industry"]: row for row in snapshot["policies"]}
    assert len(by_industry) == Industry.objects.count()
    counts = {name: row["policies"] for name, row in by_industry.items() if row["policies"]}
    assert counts == {
        "电子信息产业集群": 3,
        Industry.objects.get(code="commerce-logistics").name: 1,
    }
    ei = by_industry["电子信息产业集群"]
    assert Decimal(ei["budget"]) == Decimal("3300.50")
    assert ei["evaluated"] == 2  # two policies evaluated, the latest evaluation of each
    assert Decimal(ei["concentration"]) == Decimal(80 + 90) / 2
    assert Decimal(ei["precision"]) == Decimal(70 + 50) / 2
    assert Decimal(ei["fit"]) == Decimal("60.5")

    # Cultivation: tiers recognised in the year only (not candidates, not other years).
    granted = {group["tier"]: group["count"] for group in snapshot["cultivation"]}
    assert granted == {labels["high_tech"]: 2, labels["little_giant"]: 1}
    high_tech = next(g for g in snapshot["cultivation"] if g["tier"] == labels["high_tech"])
    assert sorted((e["industry"], e["name"]) for e in high_tech["enterprises"]) == sorted(
        [("电子信息产业集群", "企业8"), ("机械装备产业集群", "企业9")]
    )

    # Problems of the year's accepted updates: two solved, four still open with their status.
    assert snapshot["problems_solved"] == 2
    assert [(p["description"], p["status_label"]) for p in snapshot["problems_open"]] == [
        ("用地指标不足", "待研究"),
        ("电力增容", "已提请协调"),
        ("人才公寓", "已列入协调会议题"),
        ("海关通关", "待研究"),
    ]
    assert {p["unit"] for p in snapshot["problems_open"]} == {"市工信局"}

    # Next year's plans: those filed (accepted or submitted), not the draft nor this year's.
    plans = {p["owner"]: p["items"] for p in snapshot["next_plans"]}
    assert snapshot["next_plans_filed"] == 3
    assert set(plans) == {"市工信局（电子信息产业集群）", "思明区", "湖里区"}
    # (Targets print with the field's two decimals today, "20.00个": either form is accepted.)
    assert [
        (i["element"], i["task"], re.sub(r"\.0+(?=\D)", "", i["target"]), i["due_month"])
        for i in plans["市工信局（电子信息产业集群）"]
    ] == [
        ("项目策划", "策划重点项目", "20个", 6),
        ("精准招商", "招商签约", "", 12),
    ]
    [siming] = plans["思明区"]
    assert (siming["element"], siming["task"], siming["due_month"], siming["responsible"]) == (
        "平台载体",
        "建设载体",
        9,
        "思明区",
    )
    assert re.fullmatch(r"5(\.0+)?万平方米", siming["target"])
    assert [i["task"] for i in plans["湖里区"]] == ["出台政策"]
    assert all("草稿" not in i["task"] for items in plans.values() for i in items)


def test_the_annual_district_scores_are_the_assessments_for_december(year):
    snapshot = gather.gather("annual", YEAR)
    expected = district_assessment(year=YEAR, as_of_month=12)
    assert [d["name"] for d in snapshot["districts"]] == [row.unit.name for row in expected]
    for district, row in zip(snapshot["districts"], expected, strict=True):
        assert (Decimal(district["total"]), district["rank"]) == (row.total, row.rank)
        assert [Decimal(m["score"]) if m["score"] else None for m in district["measures"]] == [
            s.score for s in row.scores
        ]
    by_name = {d["name"]: d for d in snapshot["districts"]}
    # Worked by hand (see test_assessment): a district with no plan, no leading industry, no
    # enterprise and no action: (20×0 + 30×0 + 15×0 + 10×100) ÷ 75 = 13.33… → 13.3.
    assert Decimal(by_name["同安区"]["total"]) == Decimal("13.3")
    assert by_name["思明区"]["leading"] == ["电子信息产业集群", "生物医药产业"]
    assert by_name["思明区"]["kind"] == "区"
