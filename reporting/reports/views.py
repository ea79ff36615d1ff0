"""Pages of the DRC's reports: the archive (every version), "generate" with a progress bar,
the draft in the browser (every compiled paragraph linking back to its update) with the DRC's
summary and comments, finalising, and the PDF."""

import datetime
from io import BytesIO

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import TemplateView

from accounts.access import can_review, fetch, reads_final_reports
from accounts.policies import Policy
from portal.celery import app
from portal.months import previous_month
from portal.responses import file_missing
from portal.viewhelpers import error_text
from reporting.choices import JobStatus, ReportKind, ReportStatus
from reporting.models import Report, ReportDocument, ReportJob
from reporting.periods import services as periods
from reporting.reports import preview, services
from reporting.reports.access import access_report, access_report_job
from reporting.reports.gather import title_for
from reporting.reports.selectors import annual_status

WORKER_SILENCE = datetime.timedelta(seconds=10)

# Lists of reports need none of their contents: the frozen data can run to megabytes.
LIST_DEFERRED = ("data", "summary", "comments")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportArchiveView(TemplateView):
    access_policy = Policy.AUTHENTICATED
    template_name = "reporting/reports/report_archive.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        is_drc = can_review(user)
        if not reads_final_reports(user):
            raise PermissionDenied
        reports = (
            Report.objects.select_related("finalised_by")
            .defer(*LIST_DEFERRED)
            .order_by("-generated_at")
        )
        if not is_drc:
            reports = reports.filter(status=ReportStatus.FINAL)
        today = periods.today()
        last_month = "{}-{:02d}".format(*previous_month(today.year, today.month))
        return super().get_context_data(
            reports=reports[:200],
            is_drc=is_drc,
            kinds=ReportKind.choices,
            suggested_period=last_month,
            jobs=ReportJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            if is_drc
            else [],
            annual=annual_status(today, drafts=is_drc),
            **kwargs,
        )


class ReportGenerateView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request):
        if not can_review(request.user):
            raise PermissionDenied
        kind = request.POST.get("kind", "")
        try:
            period = services.parse_period(kind, request.POST.get("period", ""))
            job, created = services.report_request(period=period, user=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect("reports:archive")
        if not created:
            messages.info(
                request, _("This report is already being generated: here is its progress.")
            )
        return redirect("reports:job", pk=job.pk)


def _worker_silent() -> bool:
    """True when a broker is configured and no worker answers a ping within a second."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return False
    from django.core.cache import cache

    silent = cache.get("celery-worker-silent")
    if silent is None:  # asked at most every 30 s, however many pages poll
        try:
            silent = not app.control.ping(timeout=1.0)
        except Exception:
            silent = True
        cache.set("celery-worker-silent", silent, 30)
    return silent


def job_state(job: ReportJob) -> dict:
    message = job.message
    if (
        job.status == JobStatus.QUEUED
        and timezone.now() - job.requested_at > WORKER_SILENCE
        and _worker_silent()
    ):
        message = _(
            "The background worker is not running: the request is queued and will be "
            "processed when it is back. Nothing has been written."
        )
    return {
        "status": job.status,
        "progress": job.progress,
        "message": message,
        "report_url": reverse("reports:report", args=[job.report_id]) if job.report_id else "",
        "pdf_url": reverse("reports:pdf", args=[job.report_id]) if job.report_id else "",
    }


class ReportJobView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "reporting/reports/report_job.html"

    def get(self, request, *args, **kwargs):
        job = access_report_job(user=request.user, pk=self.kwargs["pk"])
        current = services.job_current(job)  # a job whose worker died: its retry, if any
        if current.pk != job.pk:
            return redirect("reports:job", pk=current.pk)
        return super().get(request, *args, job=current, **kwargs)

    def get_context_data(self, **kwargs):
        job = kwargs.pop("job")
        period = services.period_of(job)
        return super().get_context_data(
            job=job,
            state=job_state(job),
            title=title_for(period.kind, period.year, period.number),
            **kwargs,
        )


class ReportJobStatusView(View):
    access_policy = Policy.OBJECT

    def get(self, request, pk):
        job = access_report_job(user=request.user, pk=pk)
        current = services.job_current(job)
        state = job_state(current)
        if current.pk != job.pk:  # retried: the page moves to the retry's progress
            state["retry_url"] = reverse("reports:job", args=[current.pk])
        return JsonResponse(state)


class ReportDetailView(TemplateView):
    """The report in the browser: its PDF page by page (the preview), the same document as HTML
    with links back to the updates, and for a draft the DRC's editing form and "finalise"."""

    access_policy = Policy.OBJECT
    template_name = "reporting/reports/report_detail.html"

    @staticmethod
    def _pages(report) -> int:
        try:
            return preview.page_count(services.report_pdf_bytes(report))
        except FileNotFoundError:
            return 0  # the file is gone (a restore without media): the page says so

    def get_context_data(self, **kwargs):
        report = access_report(user=self.request.user, pk=self.kwargs["pk"])
        typed = kwargs.pop("typed", None)  # a refused save's text, shown again
        summary = typed["summary"] if typed else report.summary
        comments = typed["comments"] if typed else report.comments
        industries = services.industry_comment_keys(report.data)
        versions = (
            Report.objects.filter(kind=report.kind, period=report.period)
            .exclude(status=ReportStatus.DRAFT)
            .select_related("finalised_by")
            .defer(*LIST_DEFERRED)
        )
        return super().get_context_data(
            report=report,
            editable=report.status == ReportStatus.DRAFT and can_review(self.request.user),
            summary=summary,
            comment_fields=[
                (key, label, comments.get(key, ""))
                for key, label in [("suggestions", _("Suggestions (DRC)")), *industries]
            ],
            versions=versions.order_by("-version"),
            documents=list(report.documents.select_related("uploaded_by"))
            if report.status == ReportStatus.FINAL
            else [],
            can_upload_documents=can_review(self.request.user),
            pages=range(1, self._pages(report) + 1),
            **kwargs,
        )


class ReportEditView(View):
    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        report = access_report(user=request.user, pk=pk, write=True)
        comments = {
            key.removeprefix("comment-"): value
            for key, value in request.POST.items()
            if key.startswith("comment-")
        }
        try:
            version = int(request.POST.get("edit_version", ""))
        except ValueError:
            version = -1

        def save_draft():
            services.report_edit(
                report=report,
                user=request.user,
                expected_version=version,
                summary=request.POST.get("summary", ""),
                comments=comments,
            )

        if "finalise" in request.POST and request.POST.get("confirm_final") != "1":
            # Finalising cannot be undone: it waits for the box saying so to be ticked.
            try:
                save_draft()
                messages.error(
                    request,
                    _(
                        "Not finalised: a final version can never be changed. Tick the box "
                        "confirming it, then finalise. Your text was saved as the draft."
                    ),
                )
            except services.ConcurrentReportEdit:
                return self._conflict(request, pk, comments)
            except ValidationError as exc:  # finalised meanwhile, or a comment of no section
                messages.error(request, error_text(exc))
            return redirect("reports:report", pk=report.pk)
        try:
            if "finalise" in request.POST:
                report = services.report_finalise(
                    report=report,
                    user=request.user,
                    expected_version=version,
                    summary=request.POST.get("summary", ""),
                    comments=comments,
                    publish_unverified=request.POST.get("publish_unverified") == "1",
                )
                messages.success(
                    request,
                    _("The report was finalised as version %(version)s.")
                    % {"version": report.version},
                )
            else:
                save_draft()
                messages.success(request, _("The draft was saved."))
        except services.UnverifiedFigures as exc:
            # Finalising rolled back whole; the text typed is kept as the draft's.
            save_draft()
            messages.error(
                request,
                _(
                    "Not finalised: the report uses figures flagged and not yet explained"
                    " (%(figures)s). Wait for statistics staff to explain them, or tick"
                    " 发布含未核实数据. Your text was saved."
                )
                % {"figures": "、".join(exc.labels)},
            )
        except services.ConcurrentReportEdit:
            return self._conflict(request, pk, comments)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("reports:report", pk=report.pk)

    def _conflict(self, request, pk: int, comments: dict):
        """A colleague saved the draft meanwhile: nothing is overwritten; the text typed is
        shown again on the report's page."""
        messages.error(
            request,
            _(
                "A colleague saved this draft after you opened it. Nothing was overwritten: "
                "your text is kept below. Reload to see theirs."
            ),
        )
        detail = ReportDetailView()
        detail.setup(request, pk=pk)
        typed = {"summary": request.POST.get("summary", ""), "comments": comments}
        return detail.render_to_response(detail.get_context_data(pk=pk, typed=typed), status=409)


class ReportDocxView(View):
    """The report as a Word document (reporting.reports.word), made from the same document as
    the PDF, for the DRC to edit in Word or WPS."""

    access_policy = Policy.OBJECT

    def get(self, request, pk):
        report = access_report(user=request.user, pk=pk)
        label = f"v{report.version}" if report.version else "草稿"
        return FileResponse(
            BytesIO(services.report_docx_bytes(report)),
            as_attachment=True,
            filename=f"{report.title}（{label}）.docx",
            content_type=DOCX,
        )


class ReportDocumentAddView(View):
    """The DRC keeps its edited Word document (修改稿) with a final version."""

    access_policy = Policy.OBJECT
    http_method_names = ["post"]

    def post(self, request, pk):
        report = access_report(user=request.user, pk=pk, write=True)
        upload = request.FILES.get("document")
        if upload is None:
            messages.error(request, _("Choose the edited Word document (.docx) first."))
            return redirect("reports:report", pk)
        try:
            document = services.report_document_add(
                report=report, user=request.user, upload=upload, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _("Kept “%(name)s” with this version.") % {"name": document.name}
            )
        return redirect("reports:report", pk)


class ReportDocumentView(View):
    """An edited Word document, for whoever may read its report."""

    access_policy = Policy.OBJECT

    def get(self, request, pk):
        document = fetch(ReportDocument.objects, pk=pk)
        access_report(user=request.user, pk=document.report_id)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError:
            file_missing(document.file.name)
        return FileResponse(handle, as_attachment=True, filename=document.name, content_type=DOCX)


class ReportPageView(View):
    """One page of the report's PDF as an image: the report page's paginated preview. The URL
    names the edit version it shows (?v=), so a browser keeps each page until the text changes."""

    access_policy = Policy.OBJECT

    def get(self, request, pk, number):
        report = access_report(user=request.user, pk=pk)
        try:
            png = preview.page_png(services.report_pdf_bytes(report), number)
        except FileNotFoundError:
            file_missing(report.pdf.name)
        except IndexError:
            raise Http404("No such page.") from None
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=86400"
        return response


class ReportPdfView(View):
    access_policy = Policy.OBJECT

    def get(self, request, pk):
        report = access_report(user=request.user, pk=pk)
        try:
            pdf = services.report_pdf_bytes(report)
        except FileNotFoundError:
            file_missing(report.pdf.name)
        label = f"v{report.version}" if report.version else "草稿"
        return FileResponse(
            BytesIO(pdf),
            as_attachment=True,
            filename=f"{report.title}（{label}）.pdf",
            content_type="application/pdf",
        )


@method_decorator(xframe_options_sameorigin, name="dispatch")
@method_decorator(
    csp_replace({"style-src": ["'self'", "'unsafe-inline'"], "frame-ancestors": ["'self'"]}),
    name="dispatch",
)
class ReportHtmlView(View):
    """The report document itself, as the PDF is made from it, shown in the report page's
    frame. Its styles are inline (WeasyPrint reads them too), allowed for this response only;
    links open in the whole window."""

    access_policy = Policy.OBJECT

    def get(self, request, pk):
        report = access_report(user=request.user, pk=pk)
        return HttpResponse(services.report_html(report, links=True))
