"""Admin page of the statistics bureau's analyses, with each one's history; read-only: the
analyses are written by statistics staff on their own pages, which record every text."""

from django.contrib import admin

from reporting.models import AnalysisEvent, StatisticsAnalysis


class AnalysisEventInline(admin.TabularInline):
    model = AnalysisEvent
    fields = ("at", "kind", "actor", "version", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StatisticsAnalysis)
class StatisticsAnalysisAdmin(admin.ModelAdmin):
    """Read-only here: an analysis changes only through the statistics pages, which keep its
    history (shown below each one); nothing is deleted."""

    list_display = ("period", "industry", "author", "submitted_at", "version", "is_demo")
    list_filter = ("period", "industry", "is_demo")
    search_fields = ("text", "industry__name", "author__username")
    list_select_related = ("period", "industry", "author")
    readonly_fields = (
        "period",
        "industry",
        "text",
        "author",
        "submitted_at",
        "first_submitted_at",
        "version",
    )
    inlines = [AnalysisEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
