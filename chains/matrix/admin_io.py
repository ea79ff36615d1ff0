"""The admin's imports and exports of units, officials and the matrix (django-import-export):
files read as `load_matrix` reads them, written as Excel on Chinese Windows reads them, pages
in Chinese, and the admin's history of an import in Chinese."""

import os

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.shortcuts import redirect
from django.urls import reverse
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, SelectableFieldsExportForm
from import_export.results import RowResult

from chains.matrix.history import record_entry
from chains.matrix.io import MatrixFileError, check_xlsx, decode_csv
from chains.matrix.resources import ChangedSincePreview

BOM = "\ufeff"


class _SpreadsheetText:
    """Text read with `load_matrix`'s decoding rule (UTF-8, or GB18030 as Excel and WPS save
    it on Chinese Windows); written as UTF-8 with a BOM, without which Excel on Chinese
    Windows reads the file as GB18030 and shows the names garbled."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_csv(in_stream)
        return super().create_dataset(in_stream, **kwargs)

    def export_data(self, dataset, **kwargs):
        return BOM + super().export_data(dataset, **kwargs)


class MatrixCSV(_SpreadsheetText, base_formats.CSV):
    pass


class MatrixTSV(_SpreadsheetText, base_formats.TSV):
    pass


class MatrixXLSX(base_formats.XLSX):
    """xlsx checked as `load_matrix` checks it before openpyxl reads it (size, rows, width)."""

    def create_dataset(self, in_stream):
        check_xlsx(in_stream)
        return super().create_dataset(in_stream)


EXPORT_FORMATS = {base_formats.CSV: MatrixCSV, base_formats.TSV: MatrixTSV}

# (An exported xlsx stays import-export's own: it writes numbers as numbers only for the
# formats it lists as binary, by exact type.)
IMPORT_FORMATS = {**EXPORT_FORMATS, base_formats.XLSX: MatrixXLSX}


class ChineseLabelsExportForm(SelectableFieldsExportForm):
    """The export page's check boxes say what each column is: 「牵头市领导（lead_officials）」
    (import-export writes the field's name in title case: "Lead Officials")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        if hasattr(resource, "column_label"):
            return resource.column_label(field_name)
        return super()._get_field_label(resource, field_name)


class PreviewConfirmForm(ConfirmImportForm):
    """The preview's 确认导入, carrying the fingerprint of the table as the preview showed it
    (resources.PreviewStateMixin). Missing, it matches no table: the import is refused."""

    preview_fingerprint = forms.CharField(widget=forms.HiddenInput(), required=False)


class SpreadsheetExportMixin:
    """For the admins with an export: csv and tsv with a BOM, the columns labelled in Chinese."""

    export_form_class = ChineseLabelsExportForm

    def get_export_formats(self):
        return [EXPORT_FORMATS.get(f, f) for f in super().get_export_formats()]


class SpreadsheetImportExportMixin(SpreadsheetExportMixin):
    """For the admins of units, officials and industries (the matrix): files read as above; a
    file that cannot be read is refused plainly (import-export's own message names a Python
    exception); the import page's messages in Chinese with Excel's row numbers and the
    matrix's own preview (templates/admin/chains/import.html); and the admin's history of an
    imported row says, in Chinese, what the import did ("update through import_export"
    before)."""

    import_template_name = "admin/chains/import.html"
    confirm_form_class = PreviewConfirmForm

    def get_import_formats(self):
        return [IMPORT_FORMATS.get(f, f) for f in super().get_import_formats()]

    def get_context_data(self, **kwargs):
        """The label of each column and field an import error may name (by field name or,
        as import-export names a cell's error, by attribute)."""
        labels = {}
        for resource in self.get_import_resource_classes(None):
            if hasattr(resource, "column_label"):
                for key, resource_field in resource.fields.items():
                    labels.setdefault(key, resource.column_label(key))
                    labels.setdefault(resource_field.attribute, resource.column_label(key))
        return {**super().get_context_data(**kwargs), "column_labels": labels}

    def import_action(self, request, **kwargs):
        """The preview: its confirm form carries the fingerprint of the table the dry run
        compared the file with (left on the result by the resource, read before any row)."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        confirm_form, result = context.get("confirm_form"), context.get("result")
        if confirm_form is not None:
            confirm_form.initial["preview_fingerprint"] = getattr(result, "preview_fingerprint", "")
        return response

    def process_dataset(self, dataset, form, request, **kwargs):
        """The confirmed import, all or nothing: a row refused now (the file was checked at
        the preview, but a unit or official it names may have been renamed since) rolls back
        every row (the resources do so too: resources.SyncPermissionsMixin); and nothing is
        written unless the table is still the one the preview showed."""
        kwargs["rollback_on_validation_errors"] = True
        if hasattr(self.choose_import_resource_class(form, request), "preview_state"):
            kwargs["preview_fingerprint"] = form.cleaned_data.get("preview_fingerprint", "")
        return super().process_dataset(dataset, form, request, **kwargs)

    def process_result(self, result, request):
        """A confirmed import that was refused is not reported as done: the admin goes back to
        the import page and is told why nothing was written (row by row, or that the table
        changed after the preview)."""
        if result.has_errors() or result.has_validation_errors():
            changed = [
                e.error for e in result.base_errors if isinstance(e.error, ChangedSincePreview)
            ]
            messages.error(
                request, str(changed[0]) if changed else self.confirm_refused_message(result)
            )
            return redirect(self.import_url())
        return super().process_result(result, request)

    def import_url(self) -> str:
        app_label, model_name = self.get_model_info()
        return reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)

    def confirm_refused_message(self, result) -> str:
        labels = self.get_context_data()["column_labels"]
        problems = [str(error.error) for error in result.base_errors]
        for row in result.invalid_rows:
            for name, errors in row.field_specific_errors.items():
                label = labels.get(name, name)
                problems += [f"第 {row.number} 行 {label}：{error}" for error in errors]
            problems += [f"第 {row.number} 行：{error}" for error in row.non_field_specific_errors]
        for number, errors in result.row_errors():
            problems += [f"第 {number} 行：{error.error}" for error in errors]
        return (
            "导入未完成，未做任何更改：确认导入时文件未通过校验（"
            + "；".join(problems)
            + "）。预览之后单位、牵头市领导或责任分工可能已有更改，请重新上传文件并核对预览。"
        )

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, MatrixFileError):
            form.add_error("import_file", f"无法读取文件。{e}（未做任何更改）")
            return
        form.add_error(
            "import_file",
            "无法读取文件：文件为空、已损坏，或与所选格式不符。请确认文件是 csv、tsv 或 xlsx "
            f"并选择对应的格式。（{type(e).__name__}）",
        )

    def generate_log_entries(self, result, request):
        """One entry per row the import added, changed or deleted, saying so in Chinese; for
        the matrix, what changed in the industry's row and the number of the change record."""
        if self.get_skip_admin_log():
            return
        flags = {
            RowResult.IMPORT_TYPE_NEW: (ADDITION, "新增"),
            RowResult.IMPORT_TYPE_UPDATE: (CHANGE, "修改"),
            RowResult.IMPORT_TYPE_DELETE: (DELETION, "删除"),
        }
        record = getattr(result, "matrix_record", None)
        source = os.path.basename(getattr(result, "file_name", ""))
        lines = {}
        if record is not None:
            for item in record_entry(record):
                lines[item.key] = "；".join(f"{f.label}：{f.text()}" for f in item.changed_fields)
        for row in result:
            if row.import_type not in flags or row.instance is None:
                continue
            flag, verb = flags[row.import_type]
            message = f"通过后台导入{f'（{source}）' if source else ''}{verb}"
            if record is not None:
                message += f"，见变更记录 #{record.pk}"
            if detail := lines.get(str(row.instance)):
                message += f"：{detail}"
            LogEntry.objects.log_actions(
                request.user.pk, [row.instance], flag, change_message=message, single_object=True
            )
