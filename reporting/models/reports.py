"""The DRC's reports: the monthly (or quarterly) consolidated report and the annual report due
January 31, each a snapshot of the data frozen when it was generated, edited as a draft and then
finalised as an immutable, numbered version with its PDF."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import JobStatus, ReportKind, ReportStatus


def report_pdf_path(instance, filename):
    # A draft's PDF is rewritten in place; a final one is named by its version and content.
    if instance.version:
        return f"reports/{instance.kind}/{instance.period}/v{instance.version}-{instance.sha256[:12]}.pdf"
    return (
        f"reports/drafts/{instance.kind}-{instance.period}-{instance.pk}-{instance.sha256[:12]}.pdf"
    )


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    # 2026-10, 2026-Q3 or 2025: the report's period (报告期), not a reporting month.
    period = models.CharField(pgettext_lazy("report", "period"), max_length=7)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    data = models.JSONField(default=dict)  # the snapshot: what the report says, frozen
    summary = models.TextField(_("summary"), blank=True)
    comments = models.JSONField(_("comments"), default=dict, blank=True)  # section key → text
    edit_version = models.PositiveIntegerField(default=1)
    generated_at = models.DateTimeField(_("generated"), auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    pdf = models.FileField(upload_to=report_pdf_path, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pdf_edit_version = models.PositiveIntegerField(null=True, blank=True)  # what the PDF shows

    class Meta:
        ordering = ["-generated_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "version"],
                condition=models.Q(version__isnull=False),
                name="one_report_version",
            ),
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=models.Q(status="draft"),
                name="one_draft_per_report",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", version__isnull=True)
                | models.Q(status="final", version__isnull=False),
                name="final_reports_are_numbered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}" if self.version else f"{self.title}（草稿）"


class ReportJob(models.Model):
    """One request to draft a report, run by a Celery task. At most one job per report is
    queued or running at a time (a double click gives one job), and the task writes its report
    in one transaction keyed by the job (a retry gives one report)."""

    kind = models.CharField(max_length=12, choices=ReportKind.choices)
    period = models.CharField(max_length=7)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the running task every few seconds: a job whose heartbeat stops lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A draft generated again is the same report: several jobs may have built it.
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_job_per_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} #{self.pk} {self.status}"


class ReportReminder(models.Model):
    """A reminder about the annual report, sent once per key (year and step)."""

    key = models.CharField(max_length=60, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
