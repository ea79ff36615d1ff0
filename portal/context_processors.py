"""What the base template shows on every page: unread notifications and which menus the user's
role opens. It names every feature, so it sits at the top like the root URLconf."""

from django.utils.functional import SimpleLazyObject

from accounts.access import can_review, reads_everything, reads_final_reports
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
        "unread_notifications": SimpleLazyObject(
            lambda: user.notifications.filter(read_at__isnull=True).count()
        ),
        "is_reviewer": can_review(user),
        "sees_statistics": can_read_statistics(user),
        "sees_dashboard": reads_dashboard(user),
        "sees_reports": reads_final_reports(user),
        "own_district": own_district_code(user),
        "sees_leads": records_leads(user) or reads_everything(user),
        "guides_leads": guides_leads(user),
        "writes_instructions": can_instruct(user),
    }
