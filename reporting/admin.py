from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AssessmentIndicator,
    CalendarOverride,
    MonthlyUpdate,
    OutboxMessage,
    ReportingPeriod,
    UpdateEvent,
)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Holidays and make-up working days the chinese-calendar package does not know yet."""

    list_display = ("date", "is_working_day", "note")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("__str__", "deadline", "lock_date")
    fields = ("year", "month", "deadline", "lock_date")

    def get_readonly_fields(self, request, obj=None):
        return ("year", "month") if obj else ()


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
    list_filter = ("status", "period", "industry", "is_demo")
    list_select_related = ("period", "industry", "unit")
    inlines = [UpdateEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("task", "created_at", "dispatched_at", "processed_at", "attempts", "last_error")
    list_filter = ("task",)
    readonly_fields = (
        "task",
        "payload",
        "created_at",
        "dispatched_at",
        "processed_at",
        "attempts",
        "last_error",
    )

    # The outbox is the record of what was (or is still to be) sent: read-only, so that no
    # row is edited or deleted by hand (a deleted row would be a lost notification or job).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentIndicator)
class AssessmentIndicatorAdmin(admin.ModelAdmin):
    """The districts' assessment (/dashboard/districts/) scores each district on the active
    indicators: a not-applicable indicator drops out and its weight is shared among the
    others. `manage.py load_assessment_indicators` adds the defaults."""

    list_display = ("name", "metric", "weight", "full_marks_at", "position", "is_active")
    list_editable = ("weight", "full_marks_at", "position", "is_active")
    list_filter = ("metric", "is_active")
    fields = ("name", "metric", "weight", "full_marks_at", "position", "is_active")

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {
            "metric": _(
                "Computed from the portal's own data; the districts' assessment page shows how "
                "each measure is defined and how each district's number was reached."
            ),
            "weight": _(
                "Relative weight: the total is Σ weight × score ÷ Σ weight of the indicators "
                "that apply to the district, so the weights need not add up to 100."
            ),
        }
        return super().get_form(request, obj, **kwargs)


admin.site.site_header = _("Xiamen Modern Industrial System Portal")
admin.site.site_title = _("Chain Portal")
