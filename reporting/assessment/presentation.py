"""The districts' assessment as people read it: the definitions and rules the page prints, and
the xlsx table with the whole calculation."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from portal import spreadsheets
from reporting.assessment.scoring import Assessment
from reporting.choices import AssessmentMetric

DEFINITIONS = {
    AssessmentMetric.TIMELINESS: _(
        "Obligations met on time ÷ obligations due × 100. Obligations: each work plan the unit "
        "owes for the year (its own, and one for each industry it leads in the responsibility "
        "matrix) once the plans' deadline has passed (on time if first submitted by the "
        "deadline; a plan not started or not submitted is late; resubmitting after a return "
        "does not make it late); each month up to the as-of month whose deadline falls on or "
        "after the day the first of the unit's plans was accepted (on time if progress on "
        "the accepted plans was first recorded by that month's deadline); each monthly update "
        "of the year up to the as-of month (on time if first submitted by the deadline). No "
        "obligations: not applicable."
    ),
    AssessmentMetric.PLAN_COMPLETION: _(
        "The mean, over all items of the unit's accepted work plans for the year, of each "
        "item's latest share done recorded up to the as-of month (0 for an item without "
        "progress). No accepted plan: 0."
    ),
    AssessmentMetric.FIGURE_GROWTH: _(
        "The unit's figures (this district, no sub-segment) of the headline indicator in its "
        "leading industries, January to the as-of month, against the same months of last "
        "year: only the months of an industry with a figure in both years are compared, so a "
        "month not yet imported or an industry with figures in one year only is left out. "
        "(this − last) ÷ last × 100 over the months compared. No month to compare: not "
        "applicable."
    ),
    AssessmentMetric.ENTERPRISES: _(
        "Key enterprises of the district in its leading industries with at least one "
        "recognised cultivation tier granted in the year or earlier."
    ),
    AssessmentMetric.LEADS_SIGNED: _(
        "Investment leads the unit follows that were signed (签约) from January to the as-of "
        "month, whichever industry: each entered the project register."
    ),
    AssessmentMetric.OPEN_ACTIONS: _(
        "Action items of the unit not closed whose deadline has passed (as of today)."
    ),
}

RULES = [
    _(
        "Higher is better: score = min(value ÷ value for full marks, 1) × 100, and never below "
        "0. Lower is better: score = max(0, 100 − value ÷ value for full marks × 100)."
    ),
    _(
        "Total = Σ weight × score ÷ Σ weight over the indicators that apply; an indicator that "
        "does not apply drops out and its weight is shared among the others."
    ),
    _("Values and scores are rounded to one decimal, and each step uses the rounded number shown."),
    _(
        "The as-of month is by default the latest month of the year whose reporting deadline "
        "has passed."
    ),
]


def workbook(assessment: Assessment) -> bytes:
    """The comparison table, every number's calculation and the indicators, as one xlsx."""

    def number(value):
        return float(value) if isinstance(value, Decimal) else value

    table, steps, about = [], [], []
    table.append(
        [
            "排名",
            "区（开发区）",
            "主导产业",
            "主承载区",
            *(
                head
                for i in assessment.indicators
                for head in (f"{i.name}（值）", f"{i.name}（得分）")
            ),
            "总分",
            "重点项目",
            "未办结督办事项",
        ]
    )
    for row in assessment:
        table.append(
            [
                row.rank,
                row.unit.name,
                "、".join(i.name for i in row.leading),
                "、".join(c.name for c in row.carriers),
                *(
                    cell
                    for s in row.scores
                    for cell in (
                        number(s.measure.value) if s.measure.applicable else "不适用",
                        number(s.score) if s.score is not None else "不适用",
                    )
                ),
                number(row.total),
                row.key_projects,
                row.open_actions,
            ]
        )
    steps.append(
        ["区（开发区）", "指标", "权重", "值", "值的计算", "得分", "得分的计算", "加权得分", "明细"]
    )
    for row in assessment:
        for s in row.scores:
            steps.append(
                [
                    row.unit.name,
                    s.indicator.name,
                    number(s.weight),
                    number(s.measure.value) if s.measure.applicable else "不适用",
                    s.measure.explanation,
                    number(s.score) if s.score is not None else "不适用",
                    s.explanation,
                    number(s.points),
                    "；".join(s.measure.details),
                ]
            )
        steps.append(
            [row.unit.name, "总分", None, None, None, number(row.total), row.total_explanation]
        )
    about.append(["指标", "度量", "权重", "满分值", "口径"])
    for i in assessment.indicators:
        metric = AssessmentMetric(i.metric)
        about.append(
            [
                i.name,
                str(metric.label),
                number(i.weight),
                number(i.full_marks_at),
                str(DEFINITIONS[metric]),
            ]
        )
    about.append([])
    about.append(
        [f"{assessment.year}年，截至{assessment.month}月；计算日期 {assessment.today:%Y-%m-%d}"]
    )
    if assessment.headline is not None:
        about.append([f"产值增速所用指标：{assessment.headline}"])
    if assessment.plan_deadline is not None:
        about.append(
            [f"{assessment.year}年工作计划报送截止日期：{assessment.plan_deadline:%Y-%m-%d}"]
        )
    for rule in RULES:
        about.append([str(rule)])
    return spreadsheets.workbook([("市对区考核", table), ("计算过程", steps), ("指标说明", about)])
