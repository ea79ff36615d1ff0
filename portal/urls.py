"""The root URLconf: every feature's pages, under the paths and names they have always had."""

from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from chains.matrix.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("matrix/", include("chains.urls")),
    path("accounts/", include("accounts.urls")),
    path("updates/", include("reporting.urls")),
    path("", include("reporting.dashboard.urls")),
    path("", include("reporting.cockpit.urls")),
    path("", include("reporting.search.urls")),
    path("", include("reporting.assessment.urls")),
    path("stats/analysis/", include("reporting.analysis.urls")),
    path("stats/", include("chains.stats_urls")),
    path("reports/", include("reporting.reports.urls")),
    path("api/", include("chains.api.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("healthz", account_views.healthz, name="healthz"),
    path("readyz", account_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
