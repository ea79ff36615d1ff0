from django.urls import path

from chains.policies import views

urlpatterns = [
    path("industries/<slug:code>/policies/", views.PolicyListView.as_view(), name="policies"),
    path(
        "industries/<slug:code>/policies/new/",
        views.PolicyCreateView.as_view(),
        name="policy_new",
    ),
    path("policies/<int:pk>/", views.PolicyDetailView.as_view(), name="policy"),
    path("policies/<int:pk>/edit/", views.PolicyEditView.as_view(), name="policy_edit"),
]
