"""Admin pages of the statistics: the indicators, the key enterprises with their tiers, and the
imports (read-only records)."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from chains.figures.selectors import indicator_uses
from chains.figures.services import indicators_set_active
from chains.models import (
    Enterprise,
    EnterpriseTier,
    FigureImport,
    Indicator,
)


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
