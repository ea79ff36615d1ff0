"""Gather a report's data into a snapshot: plain JSON, frozen when the report is generated, so a
later edit of an update or a new statistics revision never changes a finished report.

`monthly(year, month)`, `quarterly(year, quarter)` and `annual(year)` each read what the report
needs in a fixed number of queries (whatever the years of data), and return the same shape:
meta, the reporting rate, headline figures (and, in a monthly report, the statistics bureau's
analysis of the city and of each industry, or that it sent none), then per category and industry the six elements'
progress compiled from accepted updates (each entry naming its unit and update), figures with
year-on-year growth, key projects, problems with their coordination status, action items, and
the annex of overdue reports. The annual report adds the year's figures against the previous
year, policies, enterprise cultivation, problems solved and open, districts, and next year's
plans."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q
from django.utils import timezone

from chains.choices import UnitKind, UnitRole
from chains.cultivation.selectors import new_recognitions
from chains.figures.selectors import yoy as _growth
from chains.models import (
    AssignmentOfficial,
    AssignmentUnit,
    Category,
    Indicator,
    Industry,
    IndustryFigure,
    Unit,
)
from chains.policies.selectors import policy_summary
from chains.quality.selectors import flagged_figures, industry_measures
from reporting.analysis.selectors import byline, month_analyses
from reporting.assessment.indicators import headline_indicator
from reporting.assessment.narratives import latest_texts as narrative_texts
from reporting.assessment.scoring import district_assessment
from reporting.choices import (
    ELEMENT_FIELDS,
    SIX_ELEMENTS,
    ActionStatus,
    ProblemStatus,
    ProjectEventKind,
    UpdateStatus,
)
from reporting.innovation.selectors import summary as innovation_summary
from reporting.land.selectors import land_totals
from reporting.leads.selectors import signed_in as leads_signed_in
from reporting.leads.selectors import stage_counts as lead_stage_counts
from reporting.models import (
    ActionItem,
    KeyProject,
    MonthlyUpdate,
    PlanItem,
    Problem,
    Project,
    ProjectEvent,
    ReportingPeriod,
    WorkPlan,
)
from reporting.periods import services
from reporting.projects import selectors as project_selectors
from reporting.supervision.board import is_overdue
from reporting.updates.selectors import ReportState, reporting_status

ISSUER = "厦门市发展和改革委员会"
ISSUER_SHORT = "市发改委"
ELEMENT_LABELS = {
    "organisation": "组织领导",
    "roadmap": "产业发展路线图",
    "policy": "政策",
    "platform": "平台载体",
    "projects": "项目策划",
    "investment": "精准招商",
}
STAGES = {
    "planning": "策划中",
    "signed": "已签约",
    "construction": "已开工",
    "operating": "已投产（达产）",
    "paused": "暂停",
    "stopped": "终止",
}
PROBLEM_STATUS = {
    ProblemStatus.OPEN: "待研究",
    ProblemStatus.ESCALATED: "已提请协调",
    ProblemStatus.IN_MEETING: "已列入协调会议题",
    ProblemStatus.ASSIGNED: "已交办",
    ProblemStatus.RESOLVED: "已解决",
}
ACTION_STATUS = {
    ActionStatus.ASSIGNED: "待签收",
    ActionStatus.IN_PROGRESS: "办理中",
    ActionStatus.REPORTED: "已反馈待复核",
    ActionStatus.CLOSED: "已办结",
    ActionStatus.CANCELLED: "已撤销",
    ActionStatus.MERGED: "已合并",
}
CN_DIGITS = "〇一二三四五六七八九"
# Said where the statistics bureau's analysis of the month would stand, when it sent none.
ANALYSIS_MISSING = "本月统计分析未报送。"


def _num(value) -> str | None:
    """Decimals travel as strings in the snapshot (JSON has no decimal type)."""
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _pct(part: int, whole: int) -> str | None:
    return _num(Decimal(part) * 100 / whole) if whole else None


def _yoy(value, previous) -> str | None:
    """Year-on-year growth in % as the statistics pages compute it, as a snapshot number."""
    return _num(_growth(value, previous))


def _date_cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _months_of(kind: str, year: int, number: int) -> list[tuple[int, int]]:
    if kind == "monthly":
        return [(year, number)]
    if kind == "quarterly":
        return [(year, m) for m in range(3 * number - 2, 3 * number + 1)]
    return [(year, m) for m in range(1, 13)]


def _period_label(kind: str, year: int, number: int) -> str:
    if kind == "monthly":
        return f"{year}年{number}月"
    if kind == "quarterly":
        return f"{year}年第{CN_DIGITS[number]}季度"
    return f"{year}年度"


def annual_due(year: int) -> datetime.date:
    """The annual report of `year` is due on January 31 of the next year."""
    return datetime.date(year + 1, 1, 31)


def title_for(kind: str, year: int, number: int = 0) -> str:
    label = _period_label(kind, year, number)
    if kind == "annual":
        return f"厦门市“4+4+6”现代化产业体系建设{label}报告"
    return f"厦门市“4+4+6”现代化产业体系建设{label}工作进展情况"


# --- the matrix -------------------------------------------------------------------------------


def _matrix() -> tuple[list[Category], list[Industry], dict[int, list[Unit]], dict[int, list[str]]]:
    """Categories, industries, and each assignment's lead units and lead officials' names."""
    categories = list(Category.objects.all())
    industries = list(Industry.objects.order_by("position"))
    leads, officials = defaultdict(list), defaultdict(list)
    for link in AssignmentUnit.objects.filter(role=UnitRole.LEAD).select_related("unit"):
        leads[link.assignment_id].append(link.unit)
    for link in AssignmentOfficial.objects.select_related("official"):
        officials[link.assignment_id].append(link.official.name)
    return categories, industries, leads, officials


# --- figures ----------------------------------------------------------------------------------


def _city_figures(months: list[tuple[int, int]]) -> dict:
    """Current whole-city figures (no sub-segment, no district) for the months (all of one
    year) and the same months a year earlier: {(industry, indicator, year, month): (value,
    yoy)}. One query."""
    year = months[0][0]
    return {
        (i, ind, y, m): (v, yoy)
        for i, ind, y, m, v, yoy in IndustryFigure.objects.filter(
            year__in=(year, year - 1),
            month__in=[m for _y, m in months],
            is_current=True,
            subsegment__isnull=True,
            district__isnull=True,
        ).values_list("industry_id", "indicator_id", "year", "month", "value", "yoy")
    }


def _indicator_label(indicator: Indicator) -> str:
    period = "当月" if indicator.period == "month" else "累计"
    return f"{indicator.name}（{period}）"


def _month_figures(
    figures: dict, indicators, industry_id: int, year: int, month: int, flagged: "_Flagged"
) -> list:
    rows = []
    for indicator in indicators:
        value, yoy = figures.get((industry_id, indicator.pk, year, month), (None, None))
        if value is None:
            continue
        previous = figures.get((industry_id, indicator.pk, year - 1, month), (None, None))[0]
        rows.append(
            {
                "indicator": _indicator_label(indicator),
                "unit": indicator.unit,
                "value": _num(value),
                "yoy": _num(yoy) if yoy is not None else _yoy(value, previous),
                "flagged": flagged.use(industry_id, indicator, year, month),
            }
        )
    return rows


class _Flagged:
    """The figures the report uses that the statistics' checks flagged and nobody has explained
    yet (chains.quality): each is marked where shown, and listed in the snapshot, so the report
    is not finalised with them unless the DRC says so."""

    def __init__(self, years, names: dict[int, str]):
        self.open = flagged_figures(years=years)
        self.names = names
        self.used: dict[tuple, str] = {}

    def use(self, industry_id: int, indicator, year: int, month: int) -> list | None:
        """The figure's key [industry, indicator, year, month] if it is flagged, else None."""
        key = (industry_id, None, None, indicator.pk, year, month)
        if key not in self.open:
            return None
        self.used[key] = (
            f"{self.names.get(industry_id, '')} {_indicator_label(indicator)} {year}年{month}月"
        )
        return [industry_id, indicator.pk, year, month]

    def snapshot(self) -> list[dict]:
        return [
            {"key": [k[0], k[3], k[4], k[5]], "label": label}
            for k, label in sorted(self.used.items())
        ]


def _latest_month(figures: dict, industry_id: int, year: int, months) -> int:
    """The report's last month, or for a longer report the latest month with figures."""
    present = {m for (i, _ind, y, m) in figures if i == industry_id and y == year}
    candidates = [m for _y, m in months if m in present]
    return candidates[-1] if candidates else months[-1][1]


# --- updates ----------------------------------------------------------------------------------


def _updates(periods: list[ReportingPeriod]) -> list[MonthlyUpdate]:
    return list(
        MonthlyUpdate.objects.filter(period__in=periods)
        .select_related("unit", "period", "industry")
        .order_by("period__year", "period__month", "industry__position", "unit__position")
    )


def _element_entries(accepted: list[MonthlyUpdate], with_month: bool) -> list[dict]:
    elements = []
    for section in SIX_ELEMENTS:
        field = ELEMENT_FIELDS[section]
        entries = [
            {
                "unit": update.unit.name,
                "update": update.pk,
                "month": f"{update.period.month}月" if with_month else "",
                "text": getattr(update, field).strip(),
            }
            for update in accepted
            if getattr(update, field).strip()
        ]
        elements.append(
            {"key": section.value, "label": ELEMENT_LABELS[section.value], "entries": entries}
        )
    return elements


def _reporting(periods: list[ReportingPeriod], today: datetime.date) -> tuple[dict, list[dict]]:
    """The reporting per lead unit and in total as of `today` — expected, received (on time,
    late), not yet due, missing — counted by the dashboard's own selector, so a report says
    what the dashboard said for its months that day; and the annex of reports missing past
    their deadline or submitted late."""
    status = reporting_status(periods, Industry.objects.all(), today)
    overdue = []
    for item in status.items:
        if item.state == ReportState.MISSING:
            state = "未报送" if item.update_id is None else "未提交（草稿）"
        elif item.state == ReportState.LATE:
            state = f"逾期报送（{timezone.localtime(item.first_submitted_at):%Y-%m-%d}）"
        else:
            continue
        overdue.append(
            {
                "period": str(item.period),
                "industry": item.industry.name,
                "unit": item.unit.name,
                "deadline": item.period.deadline.isoformat(),
                "state": state,
            }
        )
    counts = ("expected", "received", "on_time", "late", "not_due", "missing")
    rows = sorted(
        (
            {"unit": unit.name, **{name: getattr(tally, name) for name in counts}}
            for unit, tally in status.by_unit.values()
            if tally.expected
        ),
        key=lambda r: (-r["missing"], -r["late"], r["unit"]),
    )
    total = status.total
    summary = {
        **{name: getattr(total, name) for name in counts},
        "rate": _pct(total.received, total.expected),
        "on_time_rate": _pct(total.on_time, total.expected),
        "as_of": today.isoformat(),
        "as_of_label": _date_cn(today),
        "units": rows,
    }
    return summary, overdue


# --- the statistics bureau's analysis -------------------------------------------------------


def _analysis(analysis) -> dict | None:
    """One analysis as the report prints it: the text under its author's name and time."""
    if analysis is None:
        return None
    return {
        "text": analysis.text,
        "author": analysis.author.display_name,
        "unit": analysis.author.unit.name if analysis.author.unit_id else "",
        "at": timezone.localtime(analysis.submitted_at).isoformat(timespec="minutes"),
        "byline": byline(analysis),
    }


# --- the report -------------------------------------------------------------------------------


def gather(kind: str, year: int, number: int = 0, progress=None) -> dict:
    """The snapshot of a report: kind monthly (number = month), quarterly (number = quarter)
    or annual (number ignored). `progress(percent, message)` is told how far it has got."""
    progress = progress or (lambda percent, message: None)
    months = _months_of(kind, year, number)
    progress(5, "读取责任分工")
    categories, industries, leads, officials = _matrix()
    indicators = list(Indicator.objects.all())
    # Each industry's own measure (产值或营收); the first monthly money indicator otherwise.
    measures = industry_measures(default=headline_indicator(indicators))
    periods = list(
        ReportingPeriod.objects.filter(year=year, month__in=[m for _y, m in months]).order_by(
            "month"
        )
    )
    progress(15, "汇总月度进展")
    updates = _updates(periods)
    accepted = [u for u in updates if u.status == UpdateStatus.ACCEPTED]
    today = services.today()
    reporting, overdue = _reporting(periods, today)
    accepted_ids = [u.pk for u in accepted]
    # A project is carried from month to month: the latest month's row of each project and
    # unit stands for it.
    latest_projects = {}
    for p in (
        KeyProject.objects.filter(update_id__in=accepted_ids)
        .select_related("update__unit")
        .order_by("update__period__year", "update__period__month", "position", "id")
    ):
        latest_projects[(p.update.industry_id, p.update.unit_id, p.name)] = p
    projects = defaultdict(list)
    for p in latest_projects.values():
        projects[p.update.industry_id].append(
            {
                "name": p.name,
                "stage": STAGES.get(p.stage, p.stage),
                "investment": _num(p.investment),
                "progress": p.progress,
                "unit": p.update.unit.name,
                "update": p.update_id,
            }
        )
    progress(30, "汇总问题和督办事项")
    problems = defaultdict(list)
    for p in Problem.objects.filter(update_id__in=accepted_ids).select_related(
        "update__unit", "meeting"
    ):
        problems[p.update.industry_id].append(
            {
                "description": p.description,
                "concerned": p.concerned,
                "status": p.status,
                "status_label": PROBLEM_STATUS.get(p.status, p.status),
                "meeting": p.meeting.date.isoformat() if p.meeting_id else None,
                "unit": p.update.unit.name,
                "update": p.update_id,
            }
        )
    first_day = datetime.date(year, months[0][1], 1)
    last_day = (datetime.date(year, months[-1][1], 1) + datetime.timedelta(days=31)).replace(day=1)
    actions = defaultdict(list)
    # Items assigned before the report's end and open at some time within its months: still
    # open, or ended (closed, cancelled, merged) on or after its first day.
    for a in (
        ActionItem.objects.filter(assigned_at__date__lt=last_day)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=first_day))
        .select_related("unit")
        .order_by("deadline")
    ):
        actions[a.industry_id].append(
            {
                "decision": a.decision,
                "unit": a.unit.name,
                "deadline": a.deadline.isoformat(),
                "status_label": ACTION_STATUS.get(a.status, a.status),
                "overdue": is_overdue(a, last_day),
            }
        )
    progress(45, "汇总统计数据")
    figures = _city_figures(months)
    flagged = _Flagged((year, year - 1), {i.pk: i.name for i in industries})
    # The monthly report carries the statistics bureau's analysis of its month (one query).
    analyses = month_analyses(periods[0]) if kind == "monthly" and periods else {}
    last_year, last_month = months[-1]
    by_industry_updates = defaultdict(list)
    filed = defaultdict(lambda: defaultdict(int))  # industry → unit → months accepted
    for update in accepted:
        by_industry_updates[update.industry_id].append(update)
        filed[update.industry_id][update.unit.name] += 1
    due_months = sum(1 for p in periods if p.deadline < today) or len(months)

    annual, quarterly = kind == "annual", kind == "quarterly"
    month_numbers = [m for _y, m in months]
    sections = []
    headline_rows: dict = {}  # headline indicator → the industries adding to its city total
    left_out = []  # industries a cluster already counts: in no total
    for category in categories:
        members = [i for i in industries if i.category_id == category.pk]
        if not members:
            continue
        chart = {"labels": [], "values": [], "yoy": [], "unit": "", "indicators": []}
        rows = []
        for industry in members:
            own = by_industry_updates.get(industry.pk, [])
            lead_names = [unit.name for unit in leads.get(industry.assignment_id, [])]
            entry = {
                "code": industry.code,
                "name": industry.name,
                "leads": lead_names,
                "officials": officials.get(industry.assignment_id, []),
                "figures": _month_figures(
                    figures,
                    indicators,
                    industry.pk,
                    last_year,
                    _latest_month(figures, industry.pk, year, months),
                    flagged,
                ),
                "elements": _element_entries(own, with_month=len(months) > 1),
                "projects": projects.get(industry.pk, []),
                "problems": problems.get(industry.pk, []),
                "actions": actions.get(industry.pk, []),
                "suggestions": [
                    {"unit": u.unit.name, "update": u.pk, "text": u.suggestions.strip()}
                    for u in own
                    if u.suggestions.strip()
                ],
                "missing": [
                    name
                    if len(months) == 1
                    else f"{name}（{due_months - filed[industry.pk][name]}个月）"
                    for name in lead_names
                    if filed[industry.pk][name] < due_months
                ],
            }
            if kind == "monthly":
                entry["analysis"] = _analysis(analyses.get(industry.pk))
            own = measures.of(industry.pk)
            if own is not None:
                if annual or quarterly:
                    value, previous, comparable = _year_sums(
                        figures, industry.pk, own.pk, year, month_numbers
                    )
                    entry["headline_flagged"] = [
                        key
                        for m in month_numbers
                        if (key := flagged.use(industry.pk, own, year, m))
                    ]
                    # Growth compares only the months present in both years.
                    compared = comparable[:2]
                    yoy = _yoy(*compared)
                else:
                    value, yoy = figures.get(
                        (industry.pk, own.pk, last_year, last_month), (None, None)
                    )
                    previous = figures.get(
                        (industry.pk, own.pk, last_year - 1, last_month), (None, None)
                    )[0]
                    compared = (value, previous)
                    key = flagged.use(industry.pk, own, last_year, last_month)
                    entry["headline_flagged"] = [key] if key else []
                    if yoy is None:
                        yoy = _yoy(value, previous)
                if annual:
                    entry["year_figures"] = {
                        "indicator": own.name,
                        "unit": own.unit,
                        "this": _num(value),
                        "last": _num(previous),
                        "yoy": yoy,
                        "compared_months": comparable[2],
                        "months": [
                            _num(figures.get((industry.pk, own.pk, year, m), (None,))[0])
                            for m in range(1, 13)
                        ],
                        "last_months": [
                            _num(figures.get((industry.pk, own.pk, year - 1, m), (None,))[0])
                            for m in range(1, 13)
                        ],
                    }
                if value is not None:
                    chart["labels"].append(industry.name)
                    chart["values"].append(float(value))
                    chart["yoy"].append(_float(yoy))
                    chart["unit"] = own.unit
                    chart["indicators"].append(_indicator_label(own))
                    if measures.in_total(industry.pk):
                        # value shown, the pair growth compares, whether it is flagged
                        headline_rows.setdefault(own, []).append((value, compared, entry))
                    else:
                        left_out.append(industry.name)
            rows.append(entry)
        labels = list(dict.fromkeys(chart.pop("indicators")))
        chart["indicator"] = labels[0] if len(labels) == 1 else "主要指标（产值或营收）"
        sections.append(
            {"code": category.code, "name": category.name, "chart": chart, "industries": rows}
        )

    headline_figures = []
    for indicator, group in headline_rows.items():
        total = sum((Decimal(v) for v, _pair, _entry in group), Decimal(0))
        pairs = [pair for _v, pair, _entry in group]
        growth = (
            _yoy(sum(Decimal(a) for a, _b in pairs), sum(Decimal(b) for _a, b in pairs))
            if all(a is not None and b is not None for a, b in pairs)
            else None
        )
        if annual or quarterly:
            what = indicator.name + ("全年合计" if annual else "本季度合计")
        else:
            what = f"{_indicator_label(indicator)}合计"
        headline_figures.append(
            {
                "label": f"{len(group)}个重点产业{what}",
                "value": _num(total),
                "unit": indicator.unit,
                "yoy": growth,
                "industries": [entry["code"] for _v, _pair, entry in group],
                "flagged": any(entry["headline_flagged"] for _v, _pair, entry in group),
            }
        )
    snapshot = {
        "kind": kind,
        "year": year,
        "number": number,
        "period_label": _period_label(kind, year, number),
        "title": title_for(kind, year, number),
        "issuer": ISSUER,
        "issuer_short": ISSUER_SHORT,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "date_label": _date_cn(timezone.localdate()),
        "reporting": reporting,
        "headline": headline_figures,
        "headline_note": (
            f"合计不含{'、'.join(left_out)}：其数据已计入相关产业集群，不重复相加。"
            if left_out and headline_figures
            else ""
        ),
        "categories": sections,
        "overdue": overdue,
        "unverified": flagged.snapshot(),
    }
    snapshot["pipeline"] = _pipeline(accepted_ids, today)
    snapshot["land"] = _land(year, max(m for _y, m in months))
    snapshot["innovation"] = _innovation(year, max(m for _y, m in months), today)
    snapshot["leads"] = _leads(months)
    if kind == "monthly":
        snapshot["statistics_analysis"] = {
            "city": _analysis(analyses.get(None)),
            "missing": ANALYSIS_MISSING,
        }
    if annual:
        progress(60, "汇总年度政策、企业培育和计划")
        snapshot.update(_annual_extras(year, industries))
    progress(70, "数据已汇总")
    return snapshot


def _pipeline(accepted_ids: list[int], today: datetime.date) -> dict:
    """The project register as the report is drafted: per stage, the projects that entered the
    register or changed stage in the report's accepted updates, and those stuck in a stage."""
    summary = project_selectors.pipeline(Project.objects.all(), today, stuck_limit=30, detail=False)
    moves = []
    for event in (
        ProjectEvent.objects.filter(
            update_id__in=accepted_ids,
            kind__in=[ProjectEventKind.CREATED, ProjectEventKind.REPORTED],
        )
        .exclude(kind=ProjectEventKind.REPORTED, stage_from=F("stage_to"))
        .exclude(kind=ProjectEventKind.REPORTED, stage_from="")
        .select_related("project__industry", "update__period")
        .order_by("project__industry__position", "update__period__year", "update__period__month")[
            :200
        ]
    ):
        moves.append(
            {
                "name": event.project.name,
                "industry": event.project.industry.name,
                "month": event.update.period.month,
                "change": "新入库：" + STAGES.get(event.stage_to, event.stage_to)
                if event.kind == ProjectEventKind.CREATED
                else f"{STAGES.get(event.stage_from, event.stage_from)} → "
                f"{STAGES.get(event.stage_to, event.stage_to)}",
                "investment": _num(event.project.investment),
            }
        )
    by_stage = "，".join(
        f"{STAGES.get(s['stage'], s['stage'])}{s['count']}个（{_num(s['investment'])}亿元）"
        for s in summary.stages
        if s["count"]
    )
    return {
        "total": summary.total,
        "investment": _num(summary.investment),
        "by_stage": by_stage,
        "stages": [
            {
                "label": STAGES.get(s["stage"], s["stage"]),
                "count": s["count"],
                "investment": _num(s["investment"]),
            }
            for s in summary.stages
        ],
        "moves": moves,
        "stuck_months": summary.stuck_months,
        "stuck": [
            {
                "name": p.name,
                "industry": p.industry.name,
                "stage": STAGES.get(p.stage, p.stage),
                "since": p.stage_since.isoformat(),
                "unit": p.responsible_unit.name,
            }
            for p in summary.stuck
        ],
    }


def _leads(months: list[tuple[int, int]]) -> dict:
    """Targeted investment attraction (精准招商): the leads per stage as the report is drafted,
    and those signed in the report's months."""
    return {
        "stages": [
            {"label": str(s["label"]), "count": s["count"], "investment": _num(s["investment"])}
            for s in lead_stage_counts()
        ],
        "signed": [
            {
                "target": lead.target,
                "industry": lead.industry.name,
                "unit": lead.unit.name,
                "investment": _num(lead.expected_investment),
                "signed_on": lead.signed_on.isoformat(),
            }
            for lead in leads_signed_in(months)[:200]
        ],
    }


def _innovation(year: int, until_month: int, today: datetime.date) -> dict:
    """Science and innovation (科技创新) in every industry, the year up to the report's month."""
    found = innovation_summary(None, year, until_month, today)
    return {
        **found,
        "projects_budget": _num(found["projects_budget"]),
        "transfer_value": _num(found["transfer_value"]),
        "platform_levels": [[str(label), n] for label, n in found["platform_levels"]],
        "talent": [[str(label), n] for label, n in found["talent"]],
        "districts": [
            {
                "name": str(row["name"]),
                "platforms": row["platforms"],
                "projects_running": row["projects_running"],
                "transfers": row["transfers"],
                "transfer_value": _num(row["transfer_value"]),
                "talent": row["talent"],
            }
            for row in found["districts"]
        ],
    }


def _land(year: int, until_month: int) -> dict:
    """Land and space items of the year up to the report's last month, per kind, in mu."""
    totals = land_totals(year, None, until_month=until_month)
    return {
        "until_month": until_month,
        "count": totals["count"],
        "area_mu": _num(totals["area_mu"]),
        "rows": [
            {
                "label": str(row["label"]),
                "count": row["count"],
                "area_mu": _num(row["area_mu"]),
                "done_mu": _num(row["done_mu"]),
            }
            for row in totals["rows"]
            if row["count"]
        ],
    }


def _year_sums(figures: dict, industry_id: int, indicator_id: int, year: int, numbers: list[int]):
    """The period's total and the same months' of last year (all months reported), and the two
    totals over the months reported in both years, with those months: what growth can fairly
    compare. The period is the months `numbers` of the year."""

    def month_values(y):
        values = {}
        for m in numbers:
            value = figures.get((industry_id, indicator_id, y, m), (None,))[0]
            if value is not None:
                values[m] = Decimal(value)
        return values

    this, last = month_values(year), month_values(year - 1)
    both = sorted(set(this) & set(last))
    comparable = (
        (sum(this[m] for m in both), sum(last[m] for m in both), both) if both else (None, None, [])
    )
    return (
        sum(this.values(), Decimal(0)) if this else None,
        sum(last.values(), Decimal(0)) if last else None,
        comparable,
    )


def _float(text) -> float | None:
    return float(text) if text is not None else None


def _annual_extras(year: int, industries: list[Industry]) -> dict:

    policies = [
        {
            "industry": row.industry.name,
            "policies": row.policies,
            "budget": _num(row.budget),
            "evaluated": row.evaluated,
            "concentration": _num(row.concentration),
            "precision": _num(row.precision),
            "fit": _num(row.fit),
        }
        for row in policy_summary(industries)
    ]
    cultivation = [
        {
            "tier": str(group.label),
            "count": len(group.tiers),
            "enterprises": [
                {"name": t.enterprise.name, "industry": t.enterprise.industry.name}
                for t in group.tiers[:30]
            ],
        }
        for group in new_recognitions(industries=industries, year=year)
    ]
    problems = Problem.objects.filter(
        update__period__year=year, update__status=UpdateStatus.ACCEPTED
    )
    solved = problems.filter(status=ProblemStatus.RESOLVED).count()
    still_open = [
        {
            "description": p.description,
            "industry": p.update.industry.name,
            "unit": p.update.unit.name,
            "status_label": PROBLEM_STATUS.get(p.status, p.status),
        }
        for p in problems.exclude(status=ProblemStatus.RESOLVED)
        .select_related("update__industry", "update__unit")
        .order_by("update__industry__position", "id")[:200]
    ]
    plans = defaultdict(list)
    for item in (
        PlanItem.objects.filter(plan__plan_year__year=year + 1)
        .exclude(plan__status=UpdateStatus.DRAFT)
        .select_related("plan__unit", "plan__industry", "responsible")
        .order_by("plan__unit__position", "plan__industry__position", "position")
    ):
        plan = item.plan
        key = f"{plan.unit.name}" + (f"（{plan.industry.name}）" if plan.industry_id else "")
        plans[key].append(
            {
                "element": ELEMENT_LABELS.get(item.element, item.element),
                "task": item.task,
                "target": f"{_num(item.target_value)}{item.target_unit}"
                if item.target_value is not None
                else "",
                "due_month": item.due_month,
                "responsible": item.responsible.name,
            }
        )
    assessment = district_assessment(year=year, as_of_month=12)
    written = narrative_texts(year)
    districts = [
        {
            "name": row.unit.name,
            "kind": "开发区" if row.unit.kind == UnitKind.ZONE else "区",
            "leading": [i.name for i in row.leading],
            "total": _num(row.total),
            "rank": row.rank,
            "narrative": written.get(row.unit.pk, ""),
            "measures": [
                {
                    "name": score.indicator.name,
                    "value": score.measure.display,
                    "score": _num(score.score),
                    "explanation": score.measure.explanation,
                }
                for score in row.scores
            ],
        }
        for row in assessment
    ]
    return {
        "due": annual_due(year).isoformat(),
        "policies": policies,
        "cultivation": cultivation,
        "problems_solved": solved,
        "problems_open": still_open,
        "next_plans": [{"owner": owner, "items": items} for owner, items in plans.items()],
        "next_plans_filed": WorkPlan.objects.filter(plan_year__year=year + 1)
        .exclude(status=UpdateStatus.DRAFT)
        .count(),
        "districts": districts,
    }
