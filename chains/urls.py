from django.urls import path

from chains import policy_views, views

app_name = "chains"

urlpatterns = [
    path("", views.MatrixView.as_view(), name="matrix"),
    path("changes/", views.MatrixChangeListView.as_view(), name="matrix_changes"),
    path("industries/<slug:code>/", views.IndustryDetailView.as_view(), name="industry"),
    path("units/<slug:code>/", views.UnitDetailView.as_view(), name="unit"),
    path(
        "industries/<slug:code>/policies/",
        policy_views.PolicyListView.as_view(),
        name="policies",
    ),
    path(
        "industries/<slug:code>/policies/new/",
        policy_views.PolicyCreateView.as_view(),
        name="policy_new",
    ),
    path("policies/<int:pk>/", policy_views.PolicyDetailView.as_view(), name="policy"),
    path("policies/<int:pk>/edit/", policy_views.PolicyEditView.as_view(), name="policy_edit"),
]
