"""Admin pages of the responsibility matrix: categories, units, officials, the assignments with
their lead officials and units, industries, sub-segments and the change record. Every change
goes through the matrix services, so permissions follow in the same transaction."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin

from chains.choices import LIST_SEPARATOR, ChangeMethod, UnitRole
from chains.loads import Load
from chains.matrix.admin_io import SpreadsheetExportMixin, SpreadsheetImportExportMixin
from chains.matrix.history import assignment_update, matrix_change
from chains.matrix.resources import (
    MatrixResource,
    OfficialResource,
    SubSegmentResource,
    UnitResource,
)
from chains.matrix.rules import industry_assignment_error, matrix_row_errors
from chains.matrix.selectors import (
    assignment_row,
    assignments_named,
    assignments_with_links,
    industries_in_order,
)
from chains.models import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    Category,
    Industry,
    IndustryGroupObjectPermission,
    MatrixChange,
    Official,
    SubSegment,
    Unit,
)


def form_edit(request) -> Load:
    """An administrator's edit in the admin, as a change record names it."""
    return Load(actor=request.user, method=ChangeMethod.FORM)


class MatrixSyncMixin:
    """Any admin edit that may change the matrix (a unit renamed, an industry given another
    assignment, one deleted) re-syncs permissions and is recorded as a change of the matrix
    (chains.matrix.history), all in the edit's transaction."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with matrix_change(form_edit(request)):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_model(self, request, obj):
        with matrix_change(form_edit(request)):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with matrix_change(form_edit(request)):
            super().delete_queryset(request, queryset)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_en", "position")


@admin.register(Unit)
class UnitAdmin(MatrixSyncMixin, SpreadsheetImportExportMixin, ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ("name", "name_en", "kind", "code", "position")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "code")


@admin.register(Official)
class OfficialAdmin(MatrixSyncMixin, SpreadsheetImportExportMixin, ImportExportModelAdmin):
    resource_classes = [OfficialResource]
    list_display = ("name", "name_en", "code", "position")
    search_fields = ("name", "name_en")


def assignment_form_row(formsets) -> dict[str, list[str]]:
    """The assignment's change form as a row of the matrix: officials, lead units and
    responsible units by name, in the order of their 排序 (then of the form), leaving out the
    rows ticked for deletion and the empty extra rows. Reads each form on its own, so that one
    formset may ask while the other is being validated."""
    row = {"lead_officials": [], "lead_units": [], "responsible_units": []}
    chosen = []
    for formset in formsets:
        for index, form in enumerate(formset.forms):
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            if data.get("official") is not None:
                key, name = "lead_officials", data["official"].name
            elif data.get("unit") is not None:
                lead = data.get("role") == UnitRole.LEAD
                key, name = ("lead_units" if lead else "responsible_units"), data["unit"].name
            else:
                continue
            chosen.append((key, data.get("position") or 0, index, name))
    for key, _position, _index, name in sorted(chosen, key=lambda c: (c[1], c[2])):
        row[key].append(name)
    return row


class MatrixRowFormSet(BaseInlineFormSet):
    """The officials' or the units' rows of an assignment. Both are checked as one row of the
    matrix against the matrix's rules (chains.matrix.rules, as the import and load_matrix
    are); each formset shows the errors about its own fields."""

    fields_checked: tuple[str, ...] = ()

    def clean(self):
        super().clean()
        errors = matrix_row_errors(**assignment_form_row(getattr(self, "row_formsets", [self])))
        mine = [errors[name] for name in self.fields_checked if name in errors]
        if mine:
            raise ValidationError(mine)


class OfficialRowsFormSet(MatrixRowFormSet):
    fields_checked = ("lead_officials",)


class UnitRowsFormSet(MatrixRowFormSet):
    fields_checked = ("lead_units", "responsible_units")


class AssignmentOfficialInline(admin.TabularInline):
    model = AssignmentOfficial
    formset = OfficialRowsFormSet
    extra = 0
    min_num = 1
    autocomplete_fields = ("official",)


class AssignmentUnitInline(admin.TabularInline):
    model = AssignmentUnit
    formset = UnitRowsFormSet
    extra = 0
    autocomplete_fields = ("unit",)


class _AssignmentLinkFilter(admin.SimpleListFilter):
    """Assignments by one official or unit in one role (a unit leads some industries and is
    responsible for others: the two filters keep the roles apart)."""

    role: str | None = None  # UnitRole, or None for officials

    def lookups(self, request, model_admin):
        if self.role is None:
            return [(o.pk, o.name) for o in Official.objects.all()]
        return [(u.pk, u.name) for u in Unit.objects.all()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.role is None:
            return queryset.filter(official_links__official=self.value())
        return queryset.filter(unit_links__unit=self.value(), unit_links__role=self.role)


class LeadOfficialFilter(_AssignmentLinkFilter):
    title = _("lead city officials")
    parameter_name = "official"


class LeadUnitFilter(_AssignmentLinkFilter):
    title = _("Lead units")
    parameter_name = "lead_unit"
    role = UnitRole.LEAD


class ResponsibleUnitFilter(_AssignmentLinkFilter):
    title = _("Responsible units")
    parameter_name = "responsible_unit"
    role = UnitRole.RESPONSIBLE


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Editing an assignment changes every industry that shares it (the six future ones). The
    list shows who leads and who is responsible, read from three prefetches
    (chains.matrix.selectors.assignments_with_links), not a query per row. The form is one row of the
    matrix: checked by the matrix's rules, written by the same service as elsewhere
    (matrix_history.assignment_update: permissions re-synced, change recorded)."""

    list_display = ("__str__", "lead_officials", "lead_units", "responsible_units", "code")
    list_filter = (LeadOfficialFilter, LeadUnitFilter, ResponsibleUnitFilter)
    search_fields = ("code", "industries__name", "officials__name", "units__name")
    inlines = [AssignmentOfficialInline, AssignmentUnitInline]
    readonly_fields = ("shared_by",)

    def get_queryset(self, request):
        return assignments_with_links(super().get_queryset(request))

    @admin.display(description=_("industries sharing this assignment"))
    def shared_by(self, obj):
        return str(obj)

    @admin.display(description=_("lead city officials"))
    def lead_officials(self, obj):
        return LIST_SEPARATOR.join(o.name for o in obj.official_list()) or "—"

    @admin.display(description=_("Lead units"))
    def lead_units(self, obj):
        return LIST_SEPARATOR.join(u.name for u in obj.lead_unit_list()) or "—"

    @admin.display(description=_("Responsible units"))
    def responsible_units(self, obj):
        return LIST_SEPARATOR.join(u.name for u in obj.responsible_unit_list()) or "—"

    def _create_formsets(self, request, obj, change):
        # Each formset checks the whole row, so each needs to see the other.
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        for formset in formsets:
            formset.row_formsets = formsets
        return formsets, inline_instances

    def save_related(self, request, form, formsets, change):
        form.matrix_change = assignment_update(
            assignment=form.instance, **assignment_form_row(formsets), who=form_edit(request)
        )

    def construct_change_message(self, request, form, formsets, add=False):
        """The admin's history of the assignment, in Chinese: what changed, per industry."""
        record = getattr(form, "matrix_change", None)
        if record is None:
            return "新增分工，尚无产业使用" if add else "保存分工，责任分工无变化"
        lines = " ".join(line.strip() for line in record.changes if not line.endswith("：无变化"))
        return f"修改责任分工（变更记录 #{record.pk}）：{lines}"


class IndustryAdminForm(forms.ModelForm):
    """An industry may only be given an assignment that is a complete row of the matrix, and
    the one the matrix's rules give it (chains.matrix.rules: the six future industries share
    one, every other industry has its own), as the import and load_matrix would."""

    class Meta:
        model = Industry
        fields = ("code", "name", "name_en", "category", "assignment", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each choice is named after the assignment's industries: read them in one query.
        field = self.fields["assignment"]
        field.queryset = assignments_named(field.queryset)

    def clean_assignment(self):
        assignment = self.cleaned_data["assignment"]
        errors = matrix_row_errors(**assignment_row(assignment))
        if errors:
            raise ValidationError([f"所选分工不完整：{message}" for message in errors.values()])
        return assignment

    def clean(self):
        cleaned = super().clean()
        code, category, assignment = (
            cleaned.get(name) for name in ("code", "category", "assignment")
        )
        if code and category is not None and assignment is not None:
            error = industry_assignment_error(
                industry_code=code, category_code=category.code, assignment_code=assignment.code
            )
            if error:
                self.add_error("assignment", error)
        return cleaned


class SubSegmentInline(admin.TabularInline):
    model = SubSegment
    extra = 0


@admin.register(Industry)
class IndustryAdmin(MatrixSyncMixin, SpreadsheetImportExportMixin, ImportExportModelAdmin):
    """No object-permission pages (guardian's GuardedModelAdminMixin): an industry's object
    permissions are the matrix's (chains.matrix.permissions.permissions_sync), shown here read-only."""

    form = IndustryAdminForm
    resource_classes = [MatrixResource]
    list_display = ("name", "name_en", "category", "assignment", "position")
    list_filter = ("category",)
    search_fields = ("name", "name_en", "code")
    list_select_related = ("category", "assignment")
    readonly_fields = ("object_permissions",)
    inlines = [SubSegmentInline]

    def get_queryset(self, request):
        # The assignment column is named after the assignment's industries (Assignment.__str__).
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("assignment__industries", queryset=industries_in_order()))
        )

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
class SubSegmentAdmin(SpreadsheetExportMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [SubSegmentResource]
    list_display = ("name", "industry", "position")
    list_filter = ("industry",)
    search_fields = ("name",)


@admin.register(MatrixChange)
class MatrixChangeAdmin(admin.ModelAdmin):
    """The history of the matrix (every change: form, import, command) and of loading the
    indicator tables: read-only, since a record is evidence of what was done."""

    list_display = ("at", "table", "method", "replaced", "actor_name", "source")
    list_filter = ("table", "method", "replaced")
    fields = (
        "table",
        "method",
        "replaced",
        "at",
        "actor",
        "actor_name",
        "source",
        "industries",
        "change_list",
    )
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
