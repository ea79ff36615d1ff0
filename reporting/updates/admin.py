"""Admin page of the monthly updates, with each update's history; read-mostly: the workflow is
the portal's."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reporting.models import (
    MonthlyUpdate,
    UpdateEvent,
)


class UpdateEventInline(admin.TabularInline):
    model = UpdateEvent
    fields = ("at", "kind", "actor", "version", "status", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlyUpdate)
class MonthlyUpdateAdmin(admin.ModelAdmin):
    """Read-only here: updates change only through the portal's workflow, which records them."""

    list_display = ("period", "industry", "unit", "status", "first_submitted_at", "is_demo")
    list_filter = ("status", "period", "industry", "unit", "is_demo")
    search_fields = ("industry__name", "unit__name")
    list_select_related = ("period", "industry", "unit")
    inlines = [UpdateEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Xiamen Modern Industrial System Portal")

admin.site.site_title = _("Chain Portal")
