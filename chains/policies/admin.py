"""Admin page of the industry policy register, with each policy's evaluations."""

from django import forms
from django.contrib import admin

from chains.models import (
    Policy,
    PolicyEvaluation,
)
from chains.policies.forms import PolicyForm
from chains.policies.services import POLICY_FIELDS


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
