"""The `api` namespace (under /api/): version 1 of the API, its schema and its docs."""

from django.urls import path

from chains.api import views

app_name = "api"

urlpatterns = [
    path(
        "v1/statistics/imports/",
        views.StatisticsImportsView.as_view(),
        name="statistics_imports",
    ),
    path(
        "v1/statistics/imports/<int:pk>/",
        views.StatisticsImportView.as_view(),
        name="statistics_import",
    ),
    path(
        "v1/statistics/imports/<int:pk>/apply/",
        views.StatisticsImportApplyView.as_view(),
        name="statistics_import_apply",
    ),
    path("v1/matrix/", views.MatrixView.as_view(), name="matrix"),
    path("v1/indicators/", views.IndicatorsView.as_view(), name="indicators"),
    path("v1/figures/", views.FiguresView.as_view(), name="figures"),
    path("schema/", views.ApiSchemaView.as_view(), name="schema"),
    path("docs/", views.ApiDocsView.as_view(), name="docs"),
]
