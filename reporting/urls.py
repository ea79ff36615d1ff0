"""The `reporting` namespace (under /updates/): the monthly updates and their review,
supervision, work plans, land items and how notices reach each user."""

from reporting.comments import urls as comments
from reporting.innovation import urls as innovation
from reporting.land import urls as land
from reporting.leads import urls as leads
from reporting.notices import urls as notices
from reporting.plans import urls as plans
from reporting.projects import urls as projects
from reporting.supervision import urls as supervision
from reporting.updates import urls as updates

app_name = "reporting"

urlpatterns = [
    *updates.urlpatterns,
    *plans.urlpatterns,
    *land.urlpatterns,
    *projects.urlpatterns,
    *leads.urlpatterns,
    *innovation.urlpatterns,
    *supervision.urlpatterns,
    *notices.urlpatterns,
    *comments.urlpatterns,
]
