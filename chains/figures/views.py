"""Pages for the statistics: upload with preview, imports and their changes, an industry's
figures, an enterprise. Access through chains.figures.access; imports through validating
(check) and writing (apply)."""

import io

import openpyxl
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.access import access_industry
from accounts.policies import Policy
from chains.choices import ImportKind
from chains.figures import blanks, reading, selectors, writing
from chains.figures.access import (
    access_enterprise,
    access_figure_import,
    can_import_statistics,
    can_read_statistics,
)
from chains.figures.layout import parse_month
from chains.figures.models import ImportStatus
from chains.figures.workbook import too_large
from chains.models import FigureImport
from chains.quality import selectors as quality_selectors
from chains.quality import services as quality_services
from portal import spreadsheets
from portal.responses import file_download, sheets_response, xlsx_response
from portal.viewhelpers import year_from_request


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (xlsx or csv)"))
    month = forms.CharField(
        label=gettext_lazy("Month of the figures (if the file does not say)"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "2026-10"}),
    )

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if value and parse_month(value) is None:
            raise forms.ValidationError(_("Write the month as 2026-10."))
        return parse_month(value) if value else None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        problem = too_large(upload.size)
        if problem:
            raise forms.ValidationError(problem)
        return upload


class StatisticsHomeView(TemplateView):
    """The statistics imports: upload (statistics staff) and the list of revisions."""

    access_policy = Policy.OBJECT
    template_name = "chains/figures/stats_home.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_read_statistics(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            form=kwargs.pop("form", None) or UploadForm(),
            can_upload=can_import_statistics(self.request.user),
            imports=FigureImport.objects.select_related("uploaded_by").order_by("-uploaded_at")[
                :100
            ],
            kinds=ImportKind.choices,
            open_flags=quality_selectors.open_figures_count(),
            **kwargs,
        )

    def post(self, request):
        if not can_import_statistics(request.user):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        record = writing.upload_record(upload=form.cleaned_data["file"], user=request.user)
        writing.preview(record, month=form.cleaned_data["month"])
        return redirect("stats:import", record.pk)


class ImportDetailView(TemplateView):
    """The preview of an upload (counts and every row error), or the record of an import."""

    access_policy = Policy.OBJECT
    template_name = "chains/figures/stats_import.html"

    def get_context_data(self, **kwargs):
        record = access_figure_import(user=self.request.user, pk=self.kwargs["pk"])
        applied = record.status == ImportStatus.APPLIED
        # Changes only against a revision replaced: a first import is all additions.
        previous = selectors.previous_revision(record) if applied else None
        review = quality_selectors.import_review(record, self.request.GET.get("show", "all"))
        return super().get_context_data(
            record=record,
            can_apply=can_import_statistics(self.request.user)
            and record.status == ImportStatus.PREVIEW,
            changes=selectors.import_changes(record) if previous else None,
            previous=previous,
            review=review,
            review_tabs=[
                ("all", _("All")),
                ("changes", _("Changes (%(n)s)") % {"n": review["counts"]["changes"]}),
                ("rule", _("Validation rules (%(n)s)") % {"n": review["counts"]["rule"]}),
                ("outlier", _("Outliers (%(n)s)") % {"n": review["counts"]["outlier"]}),
            ],
            **kwargs,
        )

    def post(self, request, pk):
        record = access_figure_import(user=request.user, pk=pk, write=True)
        if record.status == ImportStatus.PREVIEW:
            reasons = {
                int(name.removeprefix("reason_")): value
                for name, value in request.POST.items()
                if name.startswith("reason_") and name.removeprefix("reason_").isdigit()
            }
            try:
                quality_services.flags_confirm(
                    record,
                    user=request.user,
                    reasons=reasons,
                    reason_for_all=request.POST.get("reason_all", ""),
                )
            except quality_services.ReasonMissing as exc:
                messages.error(
                    request,
                    _(
                        "Not imported: %(count)s flagged figures have no reason. Give each its"
                        " reason, or one reason for all. Nothing was changed."
                    )
                    % {"count": len(exc.args[0])},
                )
                return redirect("stats:import", pk)
        try:
            plan = writing.apply(record)
        except reading.ImportRefused as exc:
            record.errors, record.status = exc.plan.messages(), ImportStatus.REFUSED
            record.save(update_fields=["errors", "status"])
            messages.error(
                request, _("Not imported: the file has errors (see below). Nothing was changed.")
            )
            return redirect("stats:import", pk)
        except writing.NotPreviewed:
            messages.error(
                request,
                _(
                    "Not imported: this file did not pass the preview check. Correct it and"
                    " upload it again. Nothing was changed."
                ),
            )
            return redirect("stats:import", pk)
        except writing.FileGone:
            messages.error(
                request,
                _(
                    "Not imported: the uploaded file is no longer on the server (it may have"
                    " been lost when the database was restored). Upload it again. Nothing was"
                    " changed."
                ),
            )
            return redirect("stats:import", pk)
        except writing.NotConfirmed as exc:
            quality_services.flags_record(record, exc.findings)
            messages.error(
                request,
                _(
                    "Not imported: the figures around this file changed since its preview, and"
                    " the checks found %(count)s more to confirm (below). Nothing was changed."
                )
                % {"count": len(exc.findings)},
            )
            return redirect("stats:import", pk)
        except writing.AlreadyImported:
            messages.info(request, _("This file was imported already."))
            return redirect("stats:import", pk)
        messages.success(
            request,
            _("Imported: %(added)s rows added, %(changed)s changed, %(unchanged)s unchanged.")
            % {"added": plan.added, "changed": plan.changed, "unchanged": plan.unchanged},
        )
        return redirect("stats:import", pk)


class ImportFileView(View):
    """The file exactly as it was uploaded."""

    access_policy = Policy.OBJECT

    def get(self, request, pk):
        record = access_figure_import(user=request.user, pk=pk)
        if not record.file:  # a refused file, deleted after 30 days (the page says when)
            raise Http404("The file was deleted.")
        return file_download(record.file, filename=record.original_name)


class TemplateDownloadView(View):
    """A blank file of each type, in the layout the importer reads, with a column group for
    each indicator in use (chains.figures.blanks)."""

    access_policy = Policy.AUTHENTICATED

    def get(self, request, kind):
        if kind not in ImportKind.values:
            raise Http404("No such template.")
        blank = blanks.blank_file(kind, timezone.localdate())
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = blank.title
        for row in blank.rows:
            sheet.append(spreadsheets.cells(row))
        for ref in blank.merges:
            sheet.merge_cells(ref)
        return _workbook_response(workbook, f"{blank.title}模板.xlsx")


def _workbook_response(workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return xlsx_response(buffer.getvalue(), filename)


class IndustryFiguresView(TemplateView):
    """An industry's current figures: by month, by sub-segment and by district; xlsx export."""

    access_policy = Policy.OBJECT
    template_name = "chains/figures/industry_figures.html"

    def get(self, request, *args, **kwargs):
        industry = access_industry(user=request.user, code=kwargs["code"])
        data = selectors.industry_figures(industry, year_from_request(request))
        if request.GET.get("format") == "xlsx":
            return sheets_response(f"{industry.name}{data['year']}年指标", _figure_sheets(data))
        return self.render_to_response(
            self.get_context_data(
                industry=industry,
                data=data,
                enterprises=selectors.industry_enterprises(industry),
                years=range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            )
        )


def _figure_sheets(data) -> list[tuple[str, list[list]]]:
    months = data["months"]
    monthly = [["指标", "单位", *[f"{m}月" for m in months], *[f"{m}月同比(%)" for m in months]]]
    for row in data["monthly"]:
        monthly.append(
            [
                str(row["indicator"]),
                row["indicator"].unit,
                *[c["value"] for c in row["cells"]],
                *[c["yoy"] for c in row["cells"]],
            ]
        )
    sheets = [("按月", monthly)]
    for key, title in (("subsegments", "按细分领域"), ("districts", "按区")):
        table = [[title[1:], *[str(i) for i in data["indicators"]]]]
        for label, cells in data[key].items():
            table.append([label, *[cells.get(i.pk, {}).get("value") for i in data["indicators"]]])
        sheets.append((title, table))
    return sheets


class EnterpriseDetailView(TemplateView):
    access_policy = Policy.OBJECT
    template_name = "chains/figures/enterprise_detail.html"

    def get(self, request, *args, **kwargs):
        enterprise = access_enterprise(user=request.user, pk=kwargs["pk"])
        data = selectors.enterprise_figures(enterprise, year_from_request(request))
        if request.GET.get("format") == "xlsx":
            rows = [["指标", *[f"{m}月" for m in data["months"]]]] + [
                [str(r["indicator"]), *[c["value"] for c in r["cells"]]] for r in data["table"]
            ]
            return sheets_response(f"{enterprise.name}{data['year']}年", [("按月", rows)])
        return self.render_to_response(
            self.get_context_data(enterprise=enterprise, data=data, tiers=enterprise.tiers.all())
        )
