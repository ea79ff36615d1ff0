from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin

from chains.admin_io import SpreadsheetExportMixin, SpreadsheetImportExportMixin
from chains.choices import LIST_SEPARATOR, ChangeMethod, UnitRole
from chains.figures.selectors import indicator_uses
from chains.matrix_history import assignment_update, matrix_change
from chains.matrix_rules import industry_assignment_error, matrix_row_errors
from chains.models import (
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
from chains.policies import POLICY_FIELDS
from chains.policy_views import PolicyForm
from chains.resources import MatrixResource, OfficialResource, SubSegmentResource, UnitResource
from chains.selectors import (
    assignment_row,
    assignments_named,
    assignments_with_links,
    industries_in_order,
)
from chains.services import Load, indicators_set_active


def form_edit(request) -> Load:
    """An administrator's edit in the admin, as a change record names it."""
    return Load(actor=request.user, method=ChangeMethod.FORM)


class MatrixSyncMixin:
    """Any admin edit that may change the matrix (a unit renamed, an industry given another
    assignment, one deleted) re-syncs permissions and is recorded as a change of the matrix
    (chains.matrix_history), all in the edit's transaction."""

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
    matrix against the matrix's rules (chains.matrix_rules, as the import and load_matrix
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
    (chains.selectors.assignments_with_links), not a query per row. The form is one row of the
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
    the one the matrix's rules give it (chains.matrix_rules: the six future industries share
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
    permissions are the matrix's (accounts.services.permissions_sync), shown here read-only."""

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


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """Indicators the statistics files may carry; a column is matched by name (or alias) and by
    whether it is for the month or cumulative. One no longer collected is taken out of use,
    with its history; one that figures refer to is never deleted (its figures would lose
    what they measure), and the admin says so instead of listing every figure."""

    list_display = ("name", "period", "unit", "code", "aliases", "position", "is_active")
    list_filter = ("is_active", "period", "unit")
    search_fields = ("name", "aliases", "code")
    actions = ["deactivate_indicators", "activate_indicators", "delete_selected"]

    @admin.action(description=_("Take the selected indicators out of use"))
    def deactivate_indicators(self, request, queryset):
        changed = indicators_set_active(indicators=list(queryset), active=False, user=request.user)
        self.message_user(
            request,
            f"已停用 {len(changed)} 个指标"
            + (f"：{'、'.join(map(str, changed))}" if changed else "")
            + "。停用的指标不再出现在统计数据模板中，导入时被拒绝；已导入的数据照常显示。",
            messages.SUCCESS if changed else messages.INFO,
        )

    @admin.action(description=_("Put the selected indicators back in use"))
    def activate_indicators(self, request, queryset):
        changed = indicators_set_active(indicators=list(queryset), active=True, user=request.user)
        self.message_user(
            request,
            f"已启用 {len(changed)} 个指标"
            + (f"：{'、'.join(map(str, changed))}" if changed else "")
            + "。",
            messages.SUCCESS if changed else messages.INFO,
        )

    @admin.action(permissions=["delete"], description=delete_selected.short_description)
    def delete_selected(self, request, queryset):
        if self._refuse_deletion(request, list(queryset)):
            return None
        return delete_selected(self, request, queryset)

    def delete_view(self, request, object_id, extra_context=None):
        indicator = self.get_object(request, unquote(object_id))
        if indicator is not None and self._refuse_deletion(request, [indicator]):
            return redirect("admin:chains_indicator_change", indicator.pk)
        return super().delete_view(request, object_id, extra_context)

    def _refuse_deletion(self, request, indicators) -> bool:
        """Say, for each indicator something refers to, what and how much; True if any."""
        uses = indicator_uses(i.pk for i in indicators)
        for indicator in indicators:
            use = uses.get(indicator.pk)
            if not use:
                continue
            what = [
                f"{label} {n:,} 条"
                for label, n in (
                    ("产业数据", use.industry_figures),
                    ("重点企业数据", use.enterprise_figures),
                )
                if n
            ]
            refers = []
            if use.figures:
                refers.append(f"已有 {use.figures:,} 条统计数据引用它（{'、'.join(what)}）")
            if use.doubling_targets:
                refers.append(f"{use.doubling_targets} 个倍增计划目标使用它")
            self.message_user(
                request,
                f"不能删除指标「{indicator}」：{'，'.join(refers)}，删除会使这些记录失去所衡量的"
                "指标。不再使用的指标请停用：在指标列表中勾选后执行“停用所选指标”，停用后不再"
                "出现在统计数据模板中、导入时被拒绝，已导入的数据照常显示。",
                messages.ERROR,
            )
        return bool(uses)


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
    search_fields = ("original_name", "uploaded_by__username", "sha256")
    date_hierarchy = "uploaded_at"
    list_select_related = ("uploaded_by",)
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
