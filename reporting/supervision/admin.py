"""Admin page of the chasing rules (催办规则): one row, kept by administrators."""

from django.contrib import admin

from reporting.models import SupervisionRules


@admin.register(SupervisionRules)
class SupervisionRulesAdmin(admin.ModelAdmin):
    """How many working days before an item is chased to be acknowledged, reminded of its
    deadline, and escalated once overdue (reporting/supervision/chasing.py)."""

    list_display = (
        "__str__",
        "acknowledge_working_days",
        "before_working_days",
        "escalate_after_working_days",
        "updated_at",
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SupervisionRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
