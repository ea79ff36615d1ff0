"""The annual hearing (市主要领导每年度听取工作进展): the year of the whole system on one page for
the city's principal leaders — the annual report's summary, each industry's year in one line,
and the major problems still open. A final annual report is read as frozen; before it, the
lines are gathered from the current data (cached until the data changes) and say so."""

import datetime

from django.db.models import Q

from chains.models import Industry
from reporting.choices import ProblemStatus, ReportKind, ReportStatus
from reporting.dashboard import depends
from reporting.dashboard.selectors import cached
from reporting.models import Problem, Report
from reporting.reports.gather import gather


def hearing_year(today: datetime.date) -> int:
    """The year heard: the year just ended (its annual report due January 31); in December,
    the year about to end."""
    return today.year if today.month == 12 else today.year - 1


def industry_lines(data: dict) -> list[dict]:
    """Each industry's year in one line, from an annual snapshot."""
    lines = []
    for category in data.get("categories", []):
        for industry in category["industries"]:
            figures = industry.get("year_figures") or {}
            parts = []
            if figures.get("this"):
                growth = f"，同比{figures['yoy']}%" if figures.get("yoy") else ""
                parts.append(f"{figures['indicator']}{figures['this']}{figures['unit']}{growth}")
            projects = industry.get("projects", [])
            if projects:
                parts.append(f"重点项目{len(projects)}个")
            problems = industry.get("problems", [])
            if problems:
                parts.append(f"报送问题{len(problems)}个")
            if industry.get("missing"):
                parts.append("未按时报送：" + "、".join(industry["missing"]))
            lines.append(
                {
                    "code": industry["code"],
                    "name": industry["name"],
                    "category": category["name"],
                    "line": "；".join(parts) or "本年暂无数据",
                }
            )
    return lines


def hearing(year: int, industries) -> dict:
    """The hearing of a year; the open problems of `industries` (those the reader may view)."""
    final = (
        Report.objects.filter(kind=ReportKind.ANNUAL, period=str(year), status=ReportStatus.FINAL)
        .order_by("-version")
        .first()
    )
    if final is not None:
        data, live = final.data, False
    else:
        everything = depends.year(year, list(Industry.objects.values_list("pk", flat=True)))
        data, live = cached(("hearing", year), lambda: gather("annual", year), everything), True
    major = (
        Problem.objects.filter(update__industry__in=industries)
        .filter(Q(needs_meeting=True) | ~Q(status=ProblemStatus.OPEN))
        .exclude(status=ProblemStatus.RESOLVED)
        .select_related("update__industry", "update__unit", "update__period", "meeting")
        .order_by("update__period__year", "update__period__month", "id")[:50]
    )
    return {
        "year": year,
        "report": final,
        "live": live,
        "summary": final.summary if final is not None else "",
        "headline": data.get("headline", []),
        "lines": industry_lines(data),
        "pipeline": data.get("pipeline"),
        "innovation": data.get("innovation"),
        "major_problems": list(major),
    }
