"""Reads for the reports: the annual report's state, for the dashboard and the archive."""

import datetime

from django.utils.translation import gettext as _

from reporting.choices import ReportKind, ReportStatus
from reporting.models import Report
from reporting.reports.gather import annual_due


def annual_status(today: datetime.date, *, drafts: bool = True) -> dict:
    """The annual report due on January 31: for last year's until it is final or past due,
    then this year's. Those who may not open drafts (`drafts=False`) are told of finals only."""
    year = today.year - 1 if today.month == 1 else today.year
    reports = list(
        Report.objects.filter(kind=ReportKind.ANNUAL, period=str(year))
        .only("pk", "status", "version")
        .order_by("-version")
    )
    final = next((r for r in reports if r.status == ReportStatus.FINAL), None)
    draft = next((r for r in reports if r.status == ReportStatus.DRAFT), None) if drafts else None
    due = annual_due(year)
    if final:
        state = _("Final, version %(version)s") % {"version": final.version}
    elif draft:
        state = _("Draft in progress")
    else:
        state = _("Not generated yet") if drafts else _("Not finalised yet")
    return {
        "year": year,
        "due": due,
        "state": state,
        "report": final or draft,
        "overdue": not final and today > due,
    }
