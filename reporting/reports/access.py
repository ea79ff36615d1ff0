"""The scoped fetches of a report and of a report job (built on accounts.access): drafts are
the DRC's, final reports are read by the city leaders and the lead units too."""

from accounts.access import can_review, fetch, reads_final_reports, require
from accounts.models import User
from reporting.choices import ReportStatus
from reporting.models import Report, ReportJob


def access_report(*, user: User, pk: int, write: bool = False):
    """Drafts are the DRC's alone; a final report is read by the DRC, system-wide readers,
    city leaders and the lead units, and changed by no one."""
    report = fetch(
        Report.objects.select_related("generated_by", "finalised_by", "edited_by"), pk=pk
    )
    if write or report.status == ReportStatus.DRAFT:
        require(can_review(user))
    else:
        require(reads_final_reports(user))
    return report


def access_report_job(*, user: User, pk: int):

    job = fetch(ReportJob.objects, pk=pk)
    require(can_review(user))
    return job
