"""Admin page of plan years: each year's deadline for the work plans."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from reporting.models import PlanYear


@admin.register(PlanYear)
class PlanYearAdmin(admin.ModelAdmin):
    """The date each year's work plans are due (mid-January unless set here). A plan year is
    created when the first plan of the year is started; one can be added here beforehand.
    Plans refer to their year, so it is never deleted."""

    list_display = ("year", "deadline", "plan_count")
    fields = ("year", "deadline")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(plan_count=Count("plans"))

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("work plans"), ordering="plan_count")
    def plan_count(self, obj):
        return obj.plan_count
