"""Admin pages of enterprise cultivation: the advanced-manufacturing doubling plan's targets."""

from django.contrib import admin

from chains.models import DoublingTarget


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
