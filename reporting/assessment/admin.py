"""Admin page of the districts' assessment indicators: weight, direction and full marks."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reporting.models import AssessmentIndicator


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
