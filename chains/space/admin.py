"""Admin pages of the space registers: the districts' leading industries and the carrier areas."""

from django.contrib import admin

from chains.models import (
    CarrierArea,
    LeadingIndustry,
)


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
