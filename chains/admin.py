from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin
from import_export.formats import base_formats

from accounts.services import permissions_sync

from .matrix_io import MatrixFileError, check_xlsx, decode_csv
from .models import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    CarrierArea,
    Category,
    DoublingTarget,
    Enterprise,
    EnterpriseTier,
    FigureImport,
    Indicator,
    Industry,
    IndustryGroupObjectPermission,
    LeadingIndustry,
    MatrixChange,
    Official,
    Policy,
    PolicyEvaluation,
    SubSegment,
    Unit,
)
from .policies import POLICY_FIELDS
from .policy_views import PolicyForm
from .resources import MatrixResource, OfficialResource, SubSegmentResource, UnitResource


class MatrixSyncMixin:
    """Any admin edit that may change the matrix re-syncs permissions in the same transaction."""

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        permissions_sync()

    @transaction.atomic
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        permissions_sync()


class MatrixCSV(base_formats.CSV):
    """CSV read with `load_matrix`'s decoding rule (UTF-8 or GB18030)."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_csv(in_stream)
        return super().create_dataset(in_stream, **kwargs)


class MatrixXLSX(base_formats.XLSX):
    """xlsx checked as `load_matrix` checks it before openpyxl reads it (size, rows, width)."""

    def create_dataset(self, in_stream):
        check_xlsx(in_stream)
        return super().create_dataset(in_stream)


class ClearImportErrorsMixin:
    """The admin's imports read files as `load_matrix` does (chains.matrix_io), and say plainly
    why a file cannot be read (import-export's own message names a Python exception)."""

    def get_import_formats(self):
        swap = {base_formats.CSV: MatrixCSV, base_formats.XLSX: MatrixXLSX}
        return [swap.get(f, f) for f in super().get_import_formats()]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, MatrixFileError):
            form.add_error("import_file", f"无法读取文件。{e}（未做任何更改）")
            return
        form.add_error(
            "import_file",
            "无法读取文件：文件为空、已损坏，或与所选格式不符。请确认文件是 csv 或 xlsx 并选择对应的格式。"
            f"（{type(e).__name__}）",
        )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_en", "position")


@admin.register(Unit)
class UnitAdmin(MatrixSyncMixin, ClearImportErrorsMixin, ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ("name", "name_en", "kind", "code", "position")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "code")


@admin.register(Official)
class OfficialAdmin(MatrixSyncMixin, ClearImportErrorsMixin, ImportExportModelAdmin):
    resource_classes = [OfficialResource]
    list_display = ("name", "name_en", "code", "position")
    search_fields = ("name", "name_en")


class AssignmentOfficialInline(admin.TabularInline):
    model = AssignmentOfficial
    extra = 0
    min_num = 1
    autocomplete_fields = ("official",)


class AssignmentUnitInline(admin.TabularInline):
    model = AssignmentUnit
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Assignment)
class AssignmentAdmin(MatrixSyncMixin, admin.ModelAdmin):
    """Editing an assignment changes every industry that shares it (the six future ones)."""

    list_display = ("code", "__str__")
    inlines = [AssignmentOfficialInline, AssignmentUnitInline]
    readonly_fields = ("shared_by",)

    @admin.display(description=_("industries sharing this assignment"))
    def shared_by(self, obj):
        return str(obj)


class SubSegmentInline(admin.TabularInline):
    model = SubSegment
    extra = 0


@admin.register(Industry)
class IndustryAdmin(MatrixSyncMixin, ClearImportErrorsMixin, ImportExportModelAdmin):
    """No object-permission pages (guardian's GuardedModelAdminMixin): an industry's object
    permissions are the matrix's (accounts.services.permissions_sync), shown here read-only."""

    resource_classes = [MatrixResource]
    list_display = ("name", "name_en", "category", "assignment", "position")
    list_filter = ("category",)
    search_fields = ("name", "name_en", "code")
    list_select_related = ("category", "assignment")
    readonly_fields = ("object_permissions",)
    inlines = [SubSegmentInline]

    @admin.display(description=_("object permissions"))
    def object_permissions(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        labels = {
            "view_industry": "查看",
            "file_industry": "填报月度进展",
            "contribute_industry": "提供素材",
        }
        held: dict[str, list[str]] = {}
        for group, codename in IndustryGroupObjectPermission.objects.filter(
            content_object=obj
        ).values_list("group__name", "permission__codename"):
            held.setdefault(group, []).append(labels.get(codename, codename))
        order = list(labels.values())
        lines = [
            f"{group}：{'、'.join(sorted(names, key=order.index))}"
            for group, names in sorted(held.items())
        ]
        lines.append("（由责任分工管理：按分工自动同步，不在此修改。）")
        return "\n".join(lines)


@admin.register(SubSegment)
class SubSegmentAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [SubSegmentResource]
    list_display = ("name", "industry", "position")
    list_filter = ("industry",)
    search_fields = ("name",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """Indicators the statistics files may carry; a column is matched by name (or alias) and by
    whether it is for the month or cumulative."""

    list_display = ("name", "period", "unit", "code", "aliases", "position")
    list_filter = ("period", "unit")
    search_fields = ("name", "aliases", "code")


class EnterpriseTierInline(admin.TabularInline):
    """A tier the enterprise holds (recognised) or is cultivated for (candidate)."""

    model = EnterpriseTier
    fields = ("tier", "stage", "year")
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "industry", "district", "above_size", "is_demo")
    list_filter = ("industry", "district", "above_size", "tiers__stage", "is_demo")
    search_fields = ("name", "credit_code")
    list_select_related = ("industry", "district")
    inlines = [EnterpriseTierInline]


@admin.register(FigureImport)
class FigureImportAdmin(admin.ModelAdmin):
    """The record of every file received; imports happen on the statistics page."""

    list_display = (
        "uploaded_at",
        "original_name",
        "kind",
        "status",
        "uploaded_by",
        "rows_added",
        "rows_changed",
    )
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in FigureImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- the registers: leading industries, carrier areas, policies, doubling-plan targets -----------


@admin.register(LeadingIndustry)
class LeadingIndustryAdmin(admin.ModelAdmin):
    list_display = ("unit", "industry")
    list_filter = ("unit", "industry")
    list_select_related = ("unit", "industry")


@admin.register(CarrierArea)
class CarrierAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "unit", "area_mu", "is_demo")
    list_filter = ("kind", "unit", "is_demo")
    search_fields = ("name",)
    list_select_related = ("unit",)
    filter_horizontal = ("industries",)


class PolicyAdminForm(forms.ModelForm):
    """Instruments as checkboxes rather than raw JSON."""

    instruments = PolicyForm.base_fields["instruments"]  # the register page's field

    class Meta:
        model = Policy
        fields = ("industry", *POLICY_FIELDS)


class PolicyEvaluationInline(admin.TabularInline):
    model = PolicyEvaluation
    extra = 0
    readonly_fields = ("evaluator",)


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    """The register's pages are the usual place for policies; this is for corrections. Whoever
    adds a policy or an evaluation here is recorded as its author or evaluator."""

    form = PolicyAdminForm
    list_display = ("title", "industry", "issuer", "issued_on", "budget", "is_demo")
    list_filter = ("industry", "is_demo")
    search_fields = ("title", "document_number")
    list_select_related = ("industry", "issuer")
    readonly_fields = ("created_by", "created_at")
    inlines = [PolicyEvaluationInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        elif form.changed_data:
            # A correction here is a new version too, so a portal edit begun before it is
            # refused (policies.policy_update) rather than silently undoing it.
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for evaluation in formset.save(commit=False):
            if not evaluation.pk:
                evaluation.evaluator = request.user
            evaluation.save()
        for evaluation in formset.deleted_objects:
            evaluation.delete()
        formset.save_m2m()


@admin.register(DoublingTarget)
class DoublingTargetAdmin(admin.ModelAdmin):
    list_display = (
        "industry",
        "indicator",
        "base_year",
        "base_value",
        "target_year",
        "target_value",
    )
    list_filter = ("industry",)
    list_select_related = ("industry", "indicator")


@admin.register(MatrixChange)
class MatrixChangeAdmin(admin.ModelAdmin):
    """The history of loading the matrix and indicator tables from files: read-only, since a
    record is evidence of what a command did."""

    list_display = ("at", "table", "replaced", "actor_name", "source")
    list_filter = ("table", "replaced")
    fields = ("table", "replaced", "at", "actor", "actor_name", "source", "change_list")
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def change_list(self, obj):
        return "\n".join(obj.changes)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
