from django.urls import path

from reporting.leads import views

urlpatterns = [
    path("leads/", views.LeadListView.as_view(), name="leads"),
    path("leads/add/", views.LeadAddView.as_view(), name="lead_add"),
    path("leads/<int:pk>/", views.LeadDetailView.as_view(), name="lead"),
    path("leads/<int:pk>/edit/", views.LeadEditView.as_view(), name="lead_edit"),
    path("leads/<int:pk>/move/", views.LeadMoveView.as_view(), name="lead_move"),
    path("leads/<int:pk>/guide/", views.LeadGuideView.as_view(), name="lead_guide"),
    path("leads/<int:pk>/remove/", views.LeadRemoveView.as_view(), name="lead_remove"),
]
