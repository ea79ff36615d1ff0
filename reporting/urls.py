"""The `reporting` namespace (under /updates/): the monthly updates and their review,
supervision, work plans and land items."""

from reporting.land import urls as land
from reporting.plans import urls as plans
from reporting.supervision import urls as supervision
from reporting.updates import urls as updates

app_name = "reporting"

urlpatterns = [
    *updates.urlpatterns,
    *plans.urlpatterns,
    *land.urlpatterns,
    *supervision.urlpatterns,
]
