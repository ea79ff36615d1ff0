"""The `analysis` namespace (under /stats/analysis/): the statistics bureau's monthly analysis.
Beside the statistics pages (chains' `stats` namespace), which cannot link to reporting's
views from Python: their templates link here by name."""

from django.urls import path

from reporting.analysis import views

app_name = "analysis"

urlpatterns = [
    path("", views.AnalysisHomeView.as_view(), name="home"),
    path("<str:month>/", views.AnalysisMonthView.as_view(), name="month"),
    path("<str:month>/<slug:scope>/edit/", views.AnalysisEditView.as_view(), name="edit"),
    path("<str:month>/<slug:scope>/history/", views.AnalysisHistoryView.as_view(), name="history"),
]
