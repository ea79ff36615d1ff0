"""Admin pages of the checks for sense: the validation rules and each indicator's outlier
thresholds (kept by administrators; a rule no longer wanted is taken out of use, never
deleted, since the findings of past imports name it), and the flagged figures (read-only)."""

from django.contrib import admin

from chains.quality.models import FigureFlag, IndustryMeasure, OutlierThreshold, ValidationRule


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "left", "operator", "right", "scope", "importance", "is_active")
    list_filter = ("is_active", "importance", "scope")
    search_fields = ("name", "code", "left", "right", "message")
    fieldsets = (
        (None, {"fields": ("code", "name", "message", "importance", "is_active", "position")}),
        (
            "规则",
            {
                "fields": (
                    "left",
                    "operator",
                    "right",
                    "scope",
                    "tolerance",
                    "tolerance_is_percent",
                ),
                "description": (
                    "左右两边是指标表达式：{output-month} 为本月当月值；{output-ytd}[-1] 为同年上月"
                    "（1 月不检查）；{output-month}[-12] 为上年同月；yoy{output-month} 为文件给出的"
                    "同比增速(%)；可用数字、+ - * / 和括号。任一数值缺失时不检查。"
                ),
            },
        ),
    )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutlierThreshold)
class OutlierThresholdAdmin(admin.ModelAdmin):
    list_display = ("indicator", "max_z", "min_history", "yoy_min", "yoy_max", "mom_max_ratio")
    list_select_related = ("indicator",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FigureFlag)
class FigureFlagAdmin(admin.ModelAdmin):
    """What imports' checks found, their confirmations and explanations: a record, written
    on the statistics pages only."""

    list_display = (
        "source",
        "sheet_row",
        "indicator",
        "year",
        "month",
        "kind",
        "message",
        "explained_at",
    )
    list_filter = ("kind", "importance", ("explained_at", admin.EmptyFieldListFilter))
    list_select_related = ("source", "indicator")
    search_fields = ("message", "confirmation", "explanation")
    readonly_fields = [f.name for f in FigureFlag._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndustryMeasure)
class IndustryMeasureAdmin(admin.ModelAdmin):
    """Each industry's headline indicator (产值或营收) and the cluster already counting its
    figures (a future industry's): what the dashboard, the assessment and the reports use."""

    list_display = ("industry", "headline", "counted_in")
    list_select_related = ("industry", "headline", "counted_in")

    def has_delete_permission(self, request, obj=None):
        return False
