"""TODO docstring (reporting.assessment)."""

from decimal import Decimal

from portal import spreadsheets
from reporting.assessment.scoring import DEFINITIONS, RULES, Assessment
from reporting.choices import AssessmentMetric


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
    return spreadsheets.workbook([("区县考核", table), ("计算过程", steps), ("指标说明", about)])
