"""What the base template shows on every page: unread notifications and which menus the user's
role opens. It names every feature, so it sits at the top like the root URLconf."""

from django.utils.functional import SimpleLazyObject

from accounts.access import (
    can_review,
    lands_on_cockpit,
    reads_city_overview,
    reads_everything,
    reads_final_reports,
)
from accounts.selectors import unread_notifications
from chains.figures.access import can_read_statistics
from reporting.assessment.access import own_district_code
from reporting.dashboard.access import reads_dashboard
from reporting.leads.access import guides_leads, records_leads
from reporting.supervision.access import can_instruct


def portal(request):
    """Values the base template shows on every page, computed only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: unread_notifications(request)),
        "is_reviewer": can_review(user),
        "sees_statistics": can_read_statistics(user),
        # Each menu entry is read only when the menu is drawn; lead-unit status once a request.
        "sees_cockpit": SimpleLazyObject(lambda: lands_on_cockpit(user)),
        "sees_dashboard": SimpleLazyObject(lambda: reads_dashboard(user)),
        "sees_reports": SimpleLazyObject(lambda: reads_final_reports(user)),
        "own_district": SimpleLazyObject(lambda: own_district_code(user) or ""),
        "sees_leads": SimpleLazyObject(lambda: reads_everything(user) or records_leads(user)),
        "guides_leads": guides_leads(user),
        "sees_hearing": reads_city_overview(user),
        # Every unit's staff (its registers are scoped to what the unit may read) and the
        # overview's readers.
        "sees_innovation": bool(user.unit_id) or reads_city_overview(user),
        "writes_instructions": can_instruct(user),
    }
