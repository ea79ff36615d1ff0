from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from reporting.views import assessment as assessment_views
from reporting.views import dashboard as dashboard_views

urlpatterns = [
    path("", account_views.HomeView.as_view(), name="home"),
    path("matrix/", include("chains.urls")),
    path("accounts/", include("accounts.urls")),
    path("updates/", include("reporting.urls")),
    path("dashboard/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path(
        "dashboard/districts/",
        assessment_views.DistrictAssessmentView.as_view(),
        name="district_assessment",
    ),
    path(
        "dashboard/districts/<slug:code>/",
        assessment_views.DistrictAssessmentDetailView.as_view(),
        name="district_assessment_detail",
    ),
    path("stats/", include("chains.figures.urls")),
    path("reports/", include("reporting.report_urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("healthz", account_views.healthz, name="healthz"),
    path("readyz", account_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
