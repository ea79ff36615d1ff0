"""The districts' differentiated assessment: every metric and total against numbers computed
by hand below, the reweighting of indicators that do not apply, the page's access rule, the
xlsx export, and a query count that does not grow with years of data.

The hand-made data set (year 2025, today 2025-04-20; periods 1–4 due on the 8th of the next
month, so the as-of month is 3; work plans due 2025-01-31; in the matrix 思明区 is made the
lead unit of 电子信息, so it owes its own plan and a 电子信息 plan; every other district and
zone owes its own plan only):

思明区 (leads 电子信息, 生物医药)
  timeliness: plans — own plan first submitted 01-20 (on time; returned and resubmitted 02-03,
    which does not make it late), 电子信息 plan first submitted 02-01 00:30 Beijing time (late,
    although 01-31 in UTC); monthly progress (plans accepted 02-01 and 02-04, before January's
    deadline 02-08, so every month is due) — Jan first recorded 02-05 (on time), Feb first
    03-07 (on time; a later one 03-20 does not matter), Mar 04-09 (late); updates — Jan first
    submitted 02-07 (on time), Feb 03-09 07:00 Beijing time (late, although 03-08 in UTC).
    4 on time of 7 = 57.142… → 57.1 %; score 57.1.
  plan completion: items of the two accepted plans — A 60 (Jan 20, Feb 50, Mar 60), B 100,
    C 30 (Feb 30; Apr 90 is after the as-of month), D 0 → 190 ÷ 4 = 47.5 %; 1 done; score 47.5.
  growth (工业总产值 当月, Jan–Mar, every month has a figure in both years): 电子信息
    100+105+110 = 315 vs 100+100+100 = 300; 生物医药 40+40+40 = 120 vs 40+40+30 = 110 →
    (435 − 410) ÷ 410 × 100 = 6.097… → 6.1 %; score 6.1 ÷ 10 × 100 = 61.
  enterprises: one 电子信息 (recognised 2023), one 生物医药 with two recognised tiers → 2
    (not: a candidate only, a non-leading industry, a tier granted in 2026) ; score 2 ÷ 20 ×
    100 = 10.
  overdue actions: in progress due 04-01 and reported, not yet reviewed, due 04-10 → 2
    (not: due 05-01, closed) ; score 100 − 2 ÷ 5 × 100 = 60.
  total: (20×57.1 + 30×47.5 + 25×61 + 15×10 + 10×60) ÷ 100 = 4842 ÷ 100 = 48.42 → 48.4.
  key projects (information): 项目甲, 项目乙 in accepted 电子信息 updates of Jan–Feb → 2.

湖里区 (leads 机械装备)
  timeliness: own plan never submitted → 0 of 1 = 0 %; plan completion: its only plan is a
  draft → 0 %; growth: 95 vs 100 → −5 %, score floored at 0; enterprises: 1 → 5; no
  actions → 100. Total (20×0 + 30×0 + 25×0 + 15×5 + 10×100) ÷ 100 = 10.75 → 10.8.

The six other districts and zones: no plan at all, so their own plan is late: timeliness 0 of
1 = 0 %; growth does not apply; (20×0 + 30×0 + 15×0 + 10×100) ÷ (20 + 30 + 15 + 10) =
1000 ÷ 75 = 13.33… → 13.3. Ranks: 思明区 1, the six 2, 湖里区 8.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chains.choices import UnitRole
from chains.creditcode import check_character
from chains.models import (
    AssignmentUnit,
    CarrierArea,
    Enterprise,
    EnterpriseTier,
    FigureImport,
    Indicator,
    Industry,
    IndustryFigure,
    LeadingIndustry,
    Official,
    SubSegment,
    Unit,
)
from reporting.assessment import indicators
from reporting.assessment import scoring as assessment
from reporting.choices import ActionStatus, AssessmentMetric, UpdateStatus
from reporting.models import (
    ActionItem,
    AssessmentIndicator,
    KeyProject,
    Meeting,
    MonthlyUpdate,
    PlanItem,
    PlanProgress,
    PlanYear,
    ReportingPeriod,
    WorkPlan,
)
from reporting.plans import selectors as plans

TODAY = datetime.date(2025, 4, 20)
D = Decimal


def at(*args) -> datetime.datetime:
    """A moment in Beijing time (the portal's time zone)."""
    return timezone.make_aware(datetime.datetime(*args))


class Builder:
    """Writes the hand-made data set; `year(y)` adds one more year of the same shape."""

    def __init__(self, users):
        self.user = users["drc"]
        self.unit = {code: Unit.objects.get(code=code) for code in ("siming", "huli", "gxj")}
        self.industry = {
            code: Industry.objects.get(code=code)
            for code in (
                "electronic-information",
                "biomedicine",
                "machinery-equipment",
                "new-materials",
            )
        }
        self.output = Indicator.objects.get(code="output-month")
        self.revenue = Indicator.objects.get(code="revenue-month")
        self.source = FigureImport.objects.create(
            kind="industry_figures",
            status="applied",
            original_name="t.xlsx",
            sha256="0" * 64,
            uploaded_by=users["stats"],
            file="t.xlsx",
        )
        self.meeting = Meeting.objects.create(
            industry=self.industry["electronic-information"],
            chair=Official.objects.get(name="黄晓舟"),
            date=datetime.date(2025, 3, 1),
            created_by=self.user,
        )
        self.credit = 0
        self.lead("siming", "electronic-information")
        for unit, codes in (
            ("siming", ("electronic-information", "biomedicine")),
            ("huli", ("machinery-equipment",)),
        ):
            for code in codes:
                LeadingIndustry.objects.create(unit=self.unit[unit], industry=self.industry[code])
        carrier = CarrierArea.objects.create(
            name="软件园二期", kind="main", unit=self.unit["siming"]
        )
        carrier.industries.add(self.industry["electronic-information"])
        CarrierArea.objects.create(name="思明某园区", kind="park", unit=self.unit["siming"])

    # -- pieces ---------------------------------------------------------------------------

    def lead(self, unit, industry):
        """Make the unit a lead unit of the industry's assignment in the matrix."""
        AssignmentUnit.objects.update_or_create(
            assignment=Industry.objects.get(code=industry).assignment,
            unit=Unit.objects.get(code=unit),
            defaults={"role": UnitRole.LEAD},
        )

    def periods(self, year):
        for month in range(1, 13):
            deadline = (
                datetime.date(year, month + 1, 8) if month < 12 else datetime.date(year + 1, 1, 8)
            )
            ReportingPeriod.objects.get_or_create(
                year=year,
                month=month,
                defaults={"deadline": deadline, "lock_date": deadline + datetime.timedelta(7)},
            )

    def plan(
        self,
        unit,
        year,
        *,
        industry=None,
        status=UpdateStatus.ACCEPTED,
        submitted=None,
        first=None,
        accepted=None,
    ):
        """A plan submitted at `submitted` (first at `first`, by default the same moment) and,
        when accepted, accepted at `accepted` (by default at its last submission)."""
        plan_year, _ = PlanYear.objects.get_or_create(
            year=year, defaults={"deadline": datetime.date(year, 1, 31)}
        )
        return WorkPlan.objects.create(
            unit=self.unit[unit],
            industry=self.industry[industry] if industry else None,
            plan_year=plan_year,
            status=status,
            first_submitted_at=first or submitted,
            submitted_at=submitted,
            accepted_at=(accepted or submitted) if status == UpdateStatus.ACCEPTED else None,
            created_by=self.user,
        )

    def item(self, plan, task):
        return PlanItem.objects.create(
            plan=plan, element="policy", task=task, responsible=plan.unit, due_month=12
        )

    def progress(self, item, year, month, percent, recorded):
        row = PlanProgress.objects.create(
            item=item, year=year, month=month, percent=percent, recorded_by=self.user
        )
        # created_at is auto_now_add: set the time it stands for with an update, as a test may
        PlanProgress.objects.filter(pk=row.pk).update(created_at=recorded)

    def update(self, unit, industry, year, month, *, first=None, status=UpdateStatus.SUBMITTED):
        return MonthlyUpdate.objects.create(
            industry=self.industry[industry],
            unit=self.unit[unit],
            period=ReportingPeriod.objects.get(year=year, month=month),
            status=status,
            first_submitted_at=first,
            submitted_at=first,
            created_by=self.user,
        )

    def figure(self, unit, industry, year, month, value, **extra):
        IndustryFigure.objects.create(
            source=self.source,
            indicator=extra.pop("indicator", self.output),
            industry=self.industry[industry],
            district=self.unit[unit] if unit else None,
            year=year,
            month=month,
            value=value,
            **extra,
        )

    def enterprise(self, unit, industry, *tiers):
        self.credit += 1
        base = f"91350200MA{self.credit:07d}"
        company = Enterprise.objects.create(
            credit_code=base + check_character(base),
            name=f"企业{self.credit}",
            district=self.unit[unit],
            industry=self.industry[industry],
        )
        for tier, stage, year in tiers:
            EnterpriseTier.objects.create(enterprise=company, tier=tier, stage=stage, year=year)

    def action(self, unit, deadline, status=ActionStatus.IN_PROGRESS):
        ActionItem.objects.create(
            meeting=self.meeting,
            industry=self.meeting.industry,
            decision="落实",
            unit=self.unit[unit],
            deadline=deadline,
            status=status,
        )

    # -- the year of the worked example ------------------------------------------------------

    def year(self, y):
        """One year of data, shaped like the worked example in the module docstring."""
        self.periods(y)
        # the own plan: first submitted in time, returned, resubmitted 02-03, accepted 02-04
        own = self.plan(
            "siming",
            y,
            first=at(y, 1, 20, 10),
            submitted=at(y, 2, 3, 10),
            accepted=at(y, 2, 4, 10),
        )
        industry_plan = self.plan(
            "siming", y, industry="electronic-information", submitted=at(y, 2, 1, 0, 30)
        )
        a, b = self.item(own, "A"), self.item(own, "B")
        c = self.item(industry_plan, "C")
        self.item(industry_plan, "D")  # no progress: counts 0
        self.progress(a, y, 1, 20, at(y, 2, 5, 10))
        self.progress(b, y, 1, 100, at(y, 2, 5, 10))
        self.progress(a, y, 2, 50, at(y, 3, 20, 10))
        self.progress(c, y, 2, 30, at(y, 3, 7, 10))
        self.progress(a, y, 3, 60, at(y, 4, 9, 9))
        self.progress(c, y, 4, 90, at(y, 5, 2, 9))
        # 湖里区: a draft plan, never submitted; its item's progress counts nowhere
        draft = self.plan("huli", y, status=UpdateStatus.DRAFT)
        self.progress(self.item(draft, "E"), y, 1, 80, at(y, 2, 1, 9))
        # monthly updates of 思明区: Jan on time; Feb late in Beijing time; Apr after the month
        self.update("siming", "electronic-information", y, 1, first=at(y, 2, 7, 10))
        self.update("siming", "electronic-information", y, 2, first=at(y, 3, 9, 7))
        self.update("siming", "electronic-information", y, 4, first=at(y, 5, 20, 7))
        # figures: leading industries, this year and last, Jan–Mar (and what must not count)
        for month, (ei, bio, mach) in enumerate(((100, 40, 30), (105, 40, 30), (110, 40, 35)), 1):
            self.figure("siming", "electronic-information", y, month, ei)
            self.figure("siming", "biomedicine", y, month, bio)
            self.figure("huli", "machinery-equipment", y, month, mach)
        for month, (ei, bio, mach) in enumerate(((100, 40, 40), (100, 40, 30), (100, 30, 30)), 1):
            self.figure("siming", "electronic-information", y - 1, month, ei)
            self.figure("siming", "biomedicine", y - 1, month, bio)
            self.figure("huli", "machinery-equipment", y - 1, month, mach)
        self.figure("siming", "electronic-information", y, 4, 999)  # after the as-of month
        self.figure("siming", "electronic-information", y - 1, 4, 500)
        self.figure("siming", "new-materials", y, 1, 1000)  # not a leading industry
        self.figure("huli", "biomedicine", y, 1, 1000)  # 湖里区 does not lead on it
        self.figure(None, "electronic-information", y, 1, 5000)  # the whole city
        self.figure("siming", "electronic-information", y, 1, 7777, indicator=self.revenue)
        self.figure("siming", "electronic-information", y, 2, 8888, is_current=False)
        segment, _ = SubSegment.objects.get_or_create(
            industry=self.industry["electronic-information"], name="集成电路"
        )
        self.figure("siming", "electronic-information", y, 3, 6666, subsegment=segment)
        # key projects in accepted updates of 市工信局 on 电子信息
        for month, names, status in (
            (1, ["项目甲", "项目乙"], UpdateStatus.ACCEPTED),
            (2, ["项目甲"], UpdateStatus.ACCEPTED),
            (3, ["项目丙"], UpdateStatus.SUBMITTED),
            (4, ["项目丁"], UpdateStatus.ACCEPTED),
        ):
            update = self.update(
                "gxj", "electronic-information", y, month, first=at(y, month + 1, 2), status=status
            )
            for name in names:
                KeyProject.objects.create(update=update, name=name, stage="signed")


@pytest.fixture
def data(users, clock):
    clock.set(TODAY)
    call_command("load_indicators", verbosity=0)
    indicators.assessment_indicators_load()
    builder = Builder(users)
    builder.year(2025)
    recognised, candidate = "recognised", "candidate"
    builder.enterprise("siming", "electronic-information", ("high_tech", recognised, 2023))
    builder.enterprise(
        "siming",
        "biomedicine",
        ("high_tech", recognised, 2022),
        ("little_giant", recognised, 2024),
    )
    builder.enterprise("siming", "electronic-information", ("unicorn", candidate, 2025))
    builder.enterprise("siming", "new-materials", ("high_tech", recognised, 2020))
    builder.enterprise("siming", "electronic-information", ("high_tech", recognised, 2026))
    builder.enterprise("huli", "electronic-information", ("high_tech", recognised, 2020))
    builder.enterprise("huli", "machinery-equipment", ("hidden_champion", recognised, 2021))
    builder.action("siming", datetime.date(2025, 4, 1))
    builder.action("siming", datetime.date(2025, 4, 10), ActionStatus.REPORTED)
    builder.action("siming", datetime.date(2025, 5, 1))
    builder.action("siming", datetime.date(2025, 3, 1), ActionStatus.CLOSED)
    return builder


def rows_by_code(result):
    return {row.unit.code: row for row in result}


def measure(row, metric):
    return row.measures[metric]


def score_of(row, metric):
    return next(s for s in row.scores if s.indicator.metric == metric)


# --- the computation -----------------------------------------------------------------------


def test_as_of_month_defaults_to_the_latest_month_whose_deadline_passed(data):
    assert assessment.default_year() == 2025
    assert assessment.default_as_of_month(2025) == 3
    assert assessment.district_assessment(year=2025).month == 3
    assert assessment.default_as_of_month(2026) == 0


def test_every_district_and_zone_in_matrix_order(data):
    result = assessment.district_assessment(year=2025)
    assert [row.unit.name for row in result] == [
        "思明区",
        "湖里区",
        "集美区",
        "海沧区",
        "同安区",
        "翔安区",
        "火炬管委会",
        "自贸区管委会",
    ]
    siming = rows_by_code(result)["siming"]
    assert [i.name for i in siming.leading] == ["电子信息产业集群", "生物医药产业"]
    assert [c.name for c in siming.carriers] == ["软件园二期"]  # main carrier areas only


def test_siming_metrics_match_the_hand_computed_values(data):
    siming = rows_by_code(assessment.district_assessment(year=2025))["siming"]
    timeliness = measure(siming, AssessmentMetric.TIMELINESS)
    assert timeliness.value == D("57.1")
    assert timeliness.explanation == "按时 4 项 / 应报 7 项 = 57.1%"
    assert timeliness.details == [
        "2025年思明区工作计划：2025-01-20首次提交（最近一次 2025-02-03），截止 2025-01-31，按时",
        "2025年电子信息产业集群工作计划：2025-02-01提交，截止 2025-01-31，逾期",
        "1月计划进度：2025-02-05记录，截止 2025-02-08，按时",
        "2月计划进度：2025-03-07记录，截止 2025-03-08，按时",
        "3月计划进度：2025-04-09记录，截止 2025-04-08，逾期",
        "1月月度进展：应报 1 份，按时 1 份",
        "2月月度进展：应报 1 份，按时 0 份",
    ]
    completion = measure(siming, AssessmentMetric.PLAN_COMPLETION)
    assert completion.value == D("47.5")
    assert completion.explanation == (
        "4 项任务截至3月最新进度合计 190% ÷ 4 项 = 47.5%（已完成 1 项）"
    )
    growth = measure(siming, AssessmentMetric.FIGURE_GROWTH)
    assert growth.value == D("6.1")
    assert growth.explanation == ("工业总产值（万元）1–3月合计：(435 − 410) ÷ 410 × 100 = 6.1%")
    assert growth.details == [
        "电子信息产业集群：2025年1–3月 315，2024年同期 300（万元）",
        "生物医药产业：2025年1–3月 120，2024年同期 110（万元）",
    ]
    assert measure(siming, AssessmentMetric.ENTERPRISES).value == 2
    assert measure(siming, AssessmentMetric.OPEN_ACTIONS).value == 2
    assert siming.open_actions == 3
    assert siming.key_projects == 2


def test_siming_scores_and_total_match_the_hand_computed_values(data):
    siming = rows_by_code(assessment.district_assessment(year=2025))["siming"]
    scores = {s.indicator.metric: s.score for s in siming.scores}
    assert scores == {
        "timeliness": D("57.1"),
        "plan_completion": D("47.5"),
        "figure_growth": D("61.0"),
        "enterprises": D("10.0"),
        "open_actions": D("60.0"),
    }
    assert score_of(siming, "figure_growth").explanation == "6.1 ÷ 10 × 100 = 61 → 61 分"
    assert score_of(siming, "open_actions").explanation == "100 − 2 ÷ 5 × 100 = 60 → 60 分"
    assert siming.total == D("48.4")
    assert siming.total_explanation == (
        "(20×57.1 + 30×47.5 + 25×61 + 15×10 + 10×60) ÷ 100 = 4842 ÷ 100 = 48.4 分"
    )
    # weighted points: weight × score ÷ Σ weight, two decimals
    assert [s.points for s in siming.scores] == [
        D("11.42"),
        D("14.25"),
        D("15.25"),
        D("1.50"),
        D("6.00"),
    ]
    assert siming.rank == 1


def test_huli_zero_scores_floor_and_half_up_rounding(data):
    huli = rows_by_code(assessment.district_assessment(year=2025))["huli"]
    assert measure(huli, "timeliness").explanation == "按时 0 项 / 应报 1 项 = 0%"
    assert measure(huli, "timeliness").details == [
        "2025年湖里区工作计划：未提交，截止 2025-01-31，逾期"
    ]
    assert measure(huli, "plan_completion").value == 0
    assert measure(huli, "plan_completion").explanation == "无已确认的2025年工作计划任务，计 0%"
    assert measure(huli, "figure_growth").value == D("-5.0")
    assert score_of(huli, "figure_growth").score == 0
    assert score_of(huli, "figure_growth").explanation == "-5 ÷ 10 × 100 = -50，最低 0 → 0 分"
    assert measure(huli, "enterprises").value == 1
    assert score_of(huli, "open_actions").score == 100
    assert huli.total == D("10.8")  # 10.75 rounded half up
    assert huli.rank == 8
    assert huli.key_projects == 0


def test_indicators_that_do_not_apply_drop_out_and_share_their_weight(data):
    jimei = rows_by_code(assessment.district_assessment(year=2025))["jimei"]
    assert not measure(jimei, "figure_growth").applicable
    assert score_of(jimei, "figure_growth").score is None
    assert score_of(jimei, "figure_growth").points is None
    assert jimei.total == D("13.3")  # 1000 ÷ 75
    assert jimei.total_explanation == (
        "(20×0 + 30×0 + 15×0 + 10×100) ÷ 75 = 1000 ÷ 75 = 13.3 分；"
        "主导产业产值增速（权重 25）不适用，其权重按比例分配给其他指标"
    )
    assert [s.points for s in jimei.scores] == [
        D("0.00"),
        D("0.00"),
        None,
        D("0.00"),
        D("13.33"),
    ]


def test_timeliness_without_obligations_does_not_apply(data):
    # 2026: no plan year yet and today (2025-04-20) is before the default deadline 2026-01-31
    jimei = rows_by_code(assessment.district_assessment(year=2026))["jimei"]
    assert not measure(jimei, "timeliness").applicable
    assert measure(jimei, "timeliness").explanation == "无应报事项，不适用"
    assert score_of(jimei, "timeliness").score is None


def test_equal_totals_share_a_rank(data):
    ranks = {row.unit.code: row.rank for row in assessment.district_assessment(year=2025)}
    assert ranks == {
        "siming": 1,
        "huli": 8,
        **{code: 2 for code in ("jimei", "haicang", "tongan", "xiangan", "hjgwh", "zmqgwh")},
    }


def test_a_later_as_of_month_takes_later_progress_and_figures(data):
    result = assessment.district_assessment(year=2025, as_of_month=4)
    siming = rows_by_code(result)["siming"]
    # items: A 60, B 100, C 90, D 0 → 250 ÷ 4
    assert measure(siming, "plan_completion").value == D("62.5")
    # Apr adds 999 this year and 500 last year: (1434 − 910) ÷ 910 × 100 = 57.58… → 57.6
    assert measure(siming, "figure_growth").value == D("57.6")
    # 电子信息 has April figures in both years, 生物医药 in neither: each compares its own months
    assert measure(siming, "figure_growth").explanation == (
        "工业总产值（万元）两年都有数据的月份（电子信息产业集群 1–4月，生物医药产业 1–3月）"
        "合计：(1434 − 910) ÷ 910 × 100 = 57.6%"
    )
    # Apr's progress obligation (first recorded 05-02 ≤ 05-08) and Apr's update (05-20, late)
    assert measure(siming, "timeliness").explanation == "按时 5 项 / 应报 9 项 = 55.6%"
    assert siming.key_projects == 3  # 项目丁 in April's accepted update


def test_month_zero_has_no_growth_and_only_plan_obligations(data):
    siming = rows_by_code(assessment.district_assessment(year=2025, as_of_month=0))["siming"]
    assert measure(siming, "figure_growth").explanation == "尚无已过截止日期的月份，不适用"
    assert measure(siming, "timeliness").explanation == "按时 1 项 / 应报 2 项 = 50%"
    assert measure(siming, "plan_completion").value == 0  # no progress up to month 0


def test_plan_completion_selector(data):
    siming, huli = Unit.objects.get(code="siming"), Unit.objects.get(code="huli")
    assert assessment.plan_completion(year=2025, as_of_month=3) == {siming.pk: (D("47.5"), 1, 4)}
    assert assessment.plan_completion(year=2025, as_of_month=1) == {siming.pk: (D("30.0"), 1, 4)}
    assert assessment.plan_completion(units=[huli], year=2025, as_of_month=3) == {}
    assert assessment.plan_completion(year=2024, as_of_month=12) == {}


# --- obligations and pairing rules ---------------------------------------------------------


def timeliness_of(code, **kwargs):
    row = rows_by_code(assessment.district_assessment(year=2025, **kwargs))[code]
    return measure(row, "timeliness")


def test_a_plan_resubmitted_after_a_return_is_on_time_by_its_first_submission(data):
    # 湖里区 submitted on 01-25, was returned and resubmitted on 03-02 (after the 01-31
    # deadline): still on time, 1 of 1.
    WorkPlan.objects.filter(unit__code="huli").update(
        status=UpdateStatus.SUBMITTED,
        first_submitted_at=at(2025, 1, 25, 10),
        submitted_at=at(2025, 3, 2, 10),
    )
    huli = timeliness_of("huli")
    assert huli.explanation == "按时 1 项 / 应报 1 项 = 100%"
    assert huli.details == [
        "2025年湖里区工作计划：2025-01-25首次提交（最近一次 2025-03-02），截止 2025-01-31，按时"
    ]


def test_a_plan_never_started_is_late_like_one_never_submitted(data):
    jimei = timeliness_of("jimei")
    assert jimei.value == 0
    assert jimei.explanation == "按时 0 项 / 应报 1 项 = 0%"
    assert jimei.details == ["2025年集美区工作计划：未编制，截止 2025-01-31，逾期"]
    # 湖里区 started its plan but never submitted it: no better and no worse than not starting
    before = rows_by_code(assessment.district_assessment(year=2025))["huli"]
    draft = WorkPlan.objects.get(unit__code="huli")
    PlanProgress.objects.filter(item__plan=draft).delete()
    draft.delete()
    after = rows_by_code(assessment.district_assessment(year=2025))["huli"]
    assert measure(after, "timeliness").details == [
        "2025年湖里区工作计划：未编制，截止 2025-01-31，逾期"
    ]
    assert score_of(after, "timeliness").score == score_of(before, "timeliness").score == 0
    assert after.total == before.total == D("10.8")


def test_the_plans_owed_follow_the_matrix(data):
    # 火炬管委会 becomes the lead unit of the six future industries (one shared assignment):
    # it owes its own plan and six industry plans, none started → 0 of 7.
    data.lead("hjgwh", "future-networks")
    # a plan 湖里区 does not owe (it does not lead 生物医药) is no obligation
    data.plan("huli", 2025, industry="biomedicine", submitted=at(2025, 3, 1))
    result = rows_by_code(assessment.district_assessment(year=2025))
    torch = measure(result["hjgwh"], "timeliness")
    assert torch.explanation == "按时 0 项 / 应报 7 项 = 0%"
    assert torch.details == [
        f"2025年{name}工作计划：未编制，截止 2025-01-31，逾期"
        for name in (
            "火炬管委会",
            "第三代半导体",
            "未来网络",
            "前沿战略材料",
            "氢能与储能",
            "基因与生物技术",
            "深海空天开发",
        )
    ]
    assert measure(result["huli"], "timeliness").explanation == "按时 0 项 / 应报 1 项 = 0%"
    # the same plans as reporting.plans.selectors.plans_owed, unit by unit
    units = list(Unit.objects.filter(kind__in=assessment.ASSESSED_KINDS))
    owed = assessment.owed_plans(units)
    for unit in units:
        expected = [
            (due.industry.pk, due.industry.name) if due.industry else (None, None)
            for due in plans.plans_owed(unit, 2025)
        ]
        assert owed[unit.pk] == expected, unit.name


def test_plans_are_due_once_the_deadline_passes_mid_january_by_default(users, clock):
    # No PlanYear for 2026: the plans are due on 2026-01-15 (before the annual report).
    clock.set(datetime.date(2026, 1, 15))
    result = assessment.district_assessment(year=2026)
    assert result.plan_deadline == datetime.date(2026, 1, 15)
    assert not measure(result.row_for("jimei"), "timeliness").applicable
    clock.set(datetime.date(2026, 1, 16))
    jimei = measure(assessment.district_assessment(year=2026).row_for("jimei"), "timeliness")
    assert jimei.explanation == "按时 0 项 / 应报 1 项 = 0%"
    assert jimei.details == ["2026年集美区工作计划：未编制，截止 2026-01-15，逾期"]
    # an administrator's later deadline holds them back again
    PlanYear.objects.create(year=2026, deadline=datetime.date(2026, 2, 15))
    result = assessment.district_assessment(year=2026)
    assert result.plan_deadline == datetime.date(2026, 2, 15)
    assert not measure(result.row_for("jimei"), "timeliness").applicable


def test_progress_months_due_before_the_plan_was_accepted_are_no_obligations(data):
    siming_plans = WorkPlan.objects.filter(unit__code="siming", plan_year__year=2025)
    # accepted 02-09 00:30 Beijing time (02-08 in UTC), after January's deadline 02-08:
    # plans 1 of 2, progress Feb on time and Mar late 1 of 2, updates 1 of 2 → 3 of 6 = 50 %
    siming_plans.update(accepted_at=at(2025, 2, 9, 0, 30))
    timeliness = timeliness_of("siming")
    assert timeliness.explanation == "按时 3 项 / 应报 6 项 = 50%"
    assert timeliness.details[2:5] == [
        "1月计划进度不计：工作计划 2025-02-09 通过，晚于当月截止日期",
        "2月计划进度：2025-03-07记录，截止 2025-03-08，按时",
        "3月计划进度：2025-04-09记录，截止 2025-04-08，逾期",
    ]
    # accepted after March's deadline: no month is due → plans 1 of 2 and updates 1 of 2
    siming_plans.update(accepted_at=at(2025, 4, 9, 10))
    timeliness = timeliness_of("siming")
    assert timeliness.explanation == "按时 2 项 / 应报 4 项 = 50%"
    assert "1–3月计划进度不计：工作计划 2025-04-09 通过，晚于当月截止日期" in timeliness.details
    # accepted on the day of January's deadline (late in the evening): January is due → 4 of 7
    siming_plans.filter(industry__isnull=True).update(accepted_at=at(2025, 2, 8, 23, 30))
    assert timeliness_of("siming").explanation == "按时 4 项 / 应报 7 项 = 57.1%"


def delete_figures(unit, industry, year, months=range(1, 13)):
    IndustryFigure.objects.filter(
        district__code=unit,
        industry__code=industry,
        year=year,
        month__in=list(months),
        indicator__code="output-month",
        subsegment__isnull=True,
    ).delete()


def test_growth_compares_only_months_with_figures_in_both_years(data):
    # March 2025 of 生物医药 not imported yet: 生物医药 compares Jan–Feb only, 80 vs 80;
    # 电子信息 315 vs 300 → (395 − 380) ÷ 380 × 100 = 3.947… → 3.9
    delete_figures("siming", "biomedicine", 2025, [3])
    growth = measure(
        rows_by_code(assessment.district_assessment(year=2025))["siming"], "figure_growth"
    )
    assert growth.value == D("3.9")
    assert growth.explanation == (
        "工业总产值（万元）两年都有数据的月份（电子信息产业集群 1–3月，生物医药产业 1–2月）"
        "合计：(395 − 380) ÷ 380 × 100 = 3.9%"
    )
    assert growth.details == [
        "电子信息产业集群：2025年1–3月 315，2024年同期 300（万元）",
        "生物医药产业：2025年1–2月 80，2024年同期 80（万元）；3月缺少2025年数据，不比较",
    ]
    # March 2025 not imported for either industry: Jan–Feb, 205 + 80 = 285 vs 200 + 80 = 280
    # → 5 ÷ 280 × 100 = 1.785… → 1.8
    delete_figures("siming", "electronic-information", 2025, [3])
    growth = measure(
        rows_by_code(assessment.district_assessment(year=2025))["siming"], "figure_growth"
    )
    assert growth.value == D("1.8")
    assert growth.explanation == (
        "工业总产值（万元）1–2月（1–3月中两年都有数据的月份）合计：(285 − 280) ÷ 280 × 100 = 1.8%"
    )


def test_growth_leaves_out_an_industry_with_figures_in_one_year_only(data):
    # 新材料 becomes a leading industry of 思明区: 1000 in January 2025, nothing in 2024
    LeadingIndustry.objects.create(
        unit=data.unit["siming"], industry=data.industry["new-materials"]
    )
    growth = measure(
        rows_by_code(assessment.district_assessment(year=2025))["siming"], "figure_growth"
    )
    assert growth.value == D("6.1")
    assert growth.explanation == "工业总产值（万元）1–3月合计：(435 − 410) ÷ 410 × 100 = 6.1%"
    assert (
        growth.details[2]
        == "新材料产业：没有两年都有数据的月份，不比较（2025年有1月数据，2024年没有）"
    )
    # 生物医药 without any 2025 figure: only 电子信息, 315 vs 300 → 5
    delete_figures("siming", "biomedicine", 2025)
    growth = measure(
        rows_by_code(assessment.district_assessment(year=2025))["siming"], "figure_growth"
    )
    assert growth.value == D("5.0")
    assert growth.explanation == "工业总产值（万元）1–3月合计：(315 − 300) ÷ 300 × 100 = 5%"
    assert growth.details[1] == (
        "生物医药产业：没有两年都有数据的月份，不比较（2024年有1–3月数据，2025年没有）"
    )
    # 湖里区 without any 2024 figure: nothing to compare, growth does not apply
    delete_figures("huli", "machinery-equipment", 2024)
    growth = measure(
        rows_by_code(assessment.district_assessment(year=2025))["huli"], "figure_growth"
    )
    assert not growth.applicable
    assert growth.explanation == "主导产业本区工业总产值（万元）1–3月没有两年都有数据的月份，不适用"


def test_score_rules():
    cases = [
        ("timeliness", "100", "83.3", "83.3"),
        ("figure_growth", "10", "14.3", "100.0"),  # capped
        ("figure_growth", "10", "-2", "0.0"),  # floored
        ("open_actions", "5", "7", "0.0"),  # lower is better, floored
        ("open_actions", "5", "1", "80.0"),
        ("enterprises", "3", "1", "33.3"),
    ]
    for metric, full, value, expected in cases:
        indicator = AssessmentIndicator(name="x", metric=metric, weight=1, full_marks_at=D(full))
        got = assessment.score(indicator, assessment.Measure(metric, D(value), ""))
        assert got.score == D(expected), (metric, value)


def test_default_indicators_load_once_and_keep_an_admins_weights(db, capsys):
    report = indicators.assessment_indicators_load()
    assert (report.created, report.updated) == (5, 0)
    indicator = AssessmentIndicator.objects.get(metric="figure_growth")
    indicator.weight = 40
    indicator.save()
    AssessmentIndicator.objects.get(metric="open_actions").delete()  # an admin drops one
    call_command("load_assessment_indicators")  # what every `make run` does
    assert "考核指标已载入" in capsys.readouterr().out
    # Neither the weight nor the removal is undone.
    assert list(AssessmentIndicator.objects.values_list("metric", "weight", "full_marks_at")) == [
        ("timeliness", 20, 100),
        ("plan_completion", 30, 100),
        ("figure_growth", 40, 10),
        ("enterprises", 15, 20),
    ]


def test_replacing_assessment_indicators_shows_and_records_the_change(db, capsys):
    from chains.models import MatrixChange

    call_command("load_assessment_indicators")
    AssessmentIndicator.objects.filter(metric="figure_growth").update(weight=40)
    capsys.readouterr()
    call_command("load_assessment_indicators", "--replace")
    out = capsys.readouterr().out
    assert "主导产业产值增速：\n" in out
    assert "权重：40.00 → 25.00" in out
    assert "满分值：无变化" in out
    assert "报送及时率：无变化" in out
    assert AssessmentIndicator.objects.get(metric="figure_growth").weight == 25
    record = MatrixChange.objects.get(replaced=True)
    assert record.table == "assessment_indicators"
    assert {r["metric"]: r["weight"] for r in record.before}["figure_growth"] == "40.00"
    assert {r["metric"]: r["weight"] for r in record.after}["figure_growth"] == "25.00"


# --- the pages -----------------------------------------------------------------------------


def test_the_drc_sees_the_comparison(data, users, client):
    client.force_login(users["drc"])
    response = client.get(reverse("district_assessment"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "思明区" in page and "48.4" in page and "10.8" in page and "13.3" in page
    assert "2025-01-31" in page  # the plans' deadline, among the definitions
    assert "按时 4 项 / 应报 7 项 = 57.1%" in page  # the cell's explanation
    result = response.context["result"]
    assert (result.year, result.month) == (2025, 3)


def test_the_detail_page_shows_how_each_number_was_reached(data, users, client):
    client.force_login(users["drc"])
    url = reverse("district_assessment_detail", args=["siming"])
    page = client.get(url, {"year": 2025, "month": 3}).content.decode()
    for text in (
        "软件园二期",
        "按时 4 项 / 应报 7 项 = 57.1%",
        "3月计划进度：2025-04-09记录，截止 2025-04-08，逾期",
        "(435 − 410) ÷ 410 × 100 = 6.1%",
        "4842 ÷ 100 = 48.4 分",
        "100 − 2 ÷ 5 × 100 = 60 → 60 分",
    ):
        assert text in page, text
    assert client.get(reverse("district_assessment_detail", args=["gxj"])).status_code == 404


def test_year_and_month_come_from_the_query_string(data, users, client):
    client.force_login(users["drc"])
    response = client.get(reverse("district_assessment"), {"year": "2025", "month": "4"})
    assert (response.context["result"].year, response.context["result"].month) == (2025, 4)
    response = client.get(reverse("district_assessment"), {"year": "x", "month": "13"})
    assert (response.context["result"].year, response.context["result"].month) == (2025, 3)


@pytest.mark.parametrize("who", ["siming", "gxj", "leader_huang_yt"])
def test_others_are_refused(data, users, client, who):
    client.force_login(users[who])
    assert client.get(reverse("district_assessment")).status_code == 403
    url = reverse("district_assessment_detail", args=["huli"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("district_assessment"), {"format": "xlsx"}).status_code == 403


def test_a_district_reads_its_own_assessment_with_its_rank(data, users, client):
    client.force_login(users["siming"])
    page = client.get(reverse("district_assessment_detail", args=["siming"]), {"year": 2025})
    assert page.status_code == 200
    assert page.context["row"].unit.name == "思明区" and page.context["row"].rank
    html = page.content.decode()
    assert 'id="breakdown"' in html and "本区考核" in html
    assert f'href="{reverse("district_assessment")}?' not in html  # not the others' table


def test_anonymous_users_are_sent_to_log_in(data, client):
    response = client.get(reverse("district_assessment"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_dashboard_links_to_it_for_the_drc_only(data, users, client):
    client.force_login(users["drc"])
    assert reverse("district_assessment") in client.get(reverse("dashboard")).content.decode()
    client.force_login(users["leader_huang_yt"])
    assert reverse("district_assessment") not in client.get(reverse("dashboard")).content.decode()


def test_the_xlsx_export_holds_the_table_and_the_calculation(data, users, client):
    client.force_login(users["drc"])
    response = client.get(reverse("district_assessment"), {"year": 2025, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["市对区考核", "计算过程", "指标说明"]
    table = list(book["市对区考核"].values)
    assert table[0] == (
        "排名",
        "区（开发区）",
        "主导产业",
        "主承载区",
        "报送及时率（值）",
        "报送及时率（得分）",
        "工作计划完成率（值）",
        "工作计划完成率（得分）",
        "主导产业产值增速（值）",
        "主导产业产值增速（得分）",
        "重点培育企业数（值）",
        "重点培育企业数（得分）",
        "逾期督办事项（值）",
        "逾期督办事项（得分）",
        "总分",
        "重点项目",
        "未办结督办事项",
    )
    assert table[1] == (
        1,
        "思明区",
        "电子信息产业集群、生物医药产业",
        "软件园二期",
        57.1,
        57.1,
        47.5,
        47.5,
        6.1,
        61,
        2,
        10,
        2,
        60,
        48.4,
        2,
        3,
    )
    assert table[2][1] == "湖里区" and table[2][-3] == 10.8
    assert table[3][:8] == (2, "集美区", None, None, 0, 0, 0, 0)
    assert table[3][8:10] == ("不适用", "不适用")
    assert len(table) == 9
    steps = list(book["计算过程"].values)
    assert steps[0][:8] == (
        "区（开发区）",
        "指标",
        "权重",
        "值",
        "值的计算",
        "得分",
        "得分的计算",
        "加权得分",
    )
    timeliness = next(r for r in steps if r[0] == "思明区" and r[1] == "报送及时率")
    assert timeliness[3:8] == (
        57.1,
        "按时 4 项 / 应报 7 项 = 57.1%",
        57.1,
        "57.1 ÷ 100 × 100 = 57.1 → 57.1 分",
        11.42,
    )
    assert "3月计划进度：2025-04-09记录，截止 2025-04-08，逾期" in timeliness[8]
    total = next(r for r in steps if r[0] == "思明区" and r[1] == "总分")
    assert total[5] == 48.4 and "4842 ÷ 100" in total[6]
    about = list(book["指标说明"].values)
    assert about[1][:4] == ("报送及时率", str(AssessmentMetric.TIMELINESS.label), 20, 100)


# --- query counts --------------------------------------------------------------------------


def test_query_count_does_not_grow_with_years_of_data(
    data, users, client, django_assert_max_num_queries
):
    client.force_login(users["drc"])
    urls = [
        reverse("district_assessment") + "?year=2025",
        reverse("district_assessment_detail", args=["siming"]) + "?year=2025",
        reverse("district_assessment") + "?year=2025&format=xlsx",
    ]

    def counts():
        out = []
        for url in urls:
            with django_assert_max_num_queries(30) as context:
                assert client.get(url).status_code == 200
            out.append(len(context.captured_queries))
        return out

    one_year = counts()
    data.year(2023)
    data.year(2024)
    # and more of everything in 2025: another district's plans, updates and actions
    for month in range(1, 4):
        data.action("huli", datetime.date(2025, month, 1))
    data.lead("huli", "machinery-equipment")  # now it owes a 机械装备 plan too
    plan = data.plan("huli", 2025, industry="machinery-equipment", submitted=at(2025, 1, 2))
    data.progress(data.item(plan, "F"), 2025, 1, 10, at(2025, 2, 1))
    assert counts() == one_year


def test_a_district_writes_its_summary_of_the_year_and_the_annual_report_carries_it(
    data, users, client, make_user
):
    from reporting.assessment import narratives
    from reporting.reports import render
    from reporting.reports.gather import gather

    url = reverse("district_narrative", args=["siming"])
    client.force_login(users["siming"])
    first = client.post(url, {"year": 2025, "version": 0, "text": "思明区金融服务产业稳步增长。"})
    assert first.status_code == 302
    stale = client.post(url, {"year": 2025, "version": 0, "text": "旧页面上的文字"})
    assert stale.status_code == 302
    back = client.get(reverse("district_assessment_detail", args=["siming"]), {"year": 2025})
    assert "旧页面上的文字" in back.content.decode()  # the refused text is kept, shown once
    assert 'id="narrative-refused"' in back.content.decode()
    client.post(
        url, {"year": 2025, "version": 1, "text": "思明区金融服务产业增长12%。\n新增总部企业3家。"}
    )
    saved = narratives.narratives(Unit.objects.get(code="siming"), 2025)
    assert [n.text.splitlines()[0] for n in saved] == [
        "思明区金融服务产业增长12%。",
        "思明区金融服务产业稳步增长。",
    ]
    page = client.get(reverse("district_assessment_detail", args=["siming"]), {"year": 2025})
    assert (
        "新增总部企业3家" in page.content.decode()
        and 'id="narrative-form"' in page.content.decode()
    )
    client.force_login(make_user("huli-staff", unit="湖里区"))
    assert client.post(url, {"year": 2025, "version": 2, "text": "冒名"}).status_code == 403
    client.force_login(users["drc"])  # reads it, writes no district's
    page = client.get(reverse("district_assessment_detail", args=["siming"]), {"year": 2025})
    assert (
        "新增总部企业3家" in page.content.decode()
        and 'id="narrative-form"' not in page.content.decode()
    )
    annual = gather("annual", 2025)
    siming = next(d for d in annual["districts"] if d["name"] == "思明区")
    assert siming["narrative"].startswith("思明区金融服务产业增长12%")
    html = render.report_html(annual)
    assert '<p class="body">新增总部企业3家。</p>' in html
