from django.urls import path

from reporting.dashboard import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/hearing/", views.HearingView.as_view(), name="hearing"),
    path("matrix/industries/<slug:code>/", views.IndustryDetailView.as_view(), name="industry"),
]
