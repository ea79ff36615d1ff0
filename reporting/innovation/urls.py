from django.urls import path

from reporting.innovation import views

urlpatterns = [
    path("innovation/", views.InnovationView.as_view(), name="innovation"),
    path("innovation/<slug:kind>/add/", views.RecordAddView.as_view(), name="innovation_add"),
    path(
        "innovation/<slug:kind>/<int:pk>/edit/",
        views.RecordEditView.as_view(),
        name="innovation_edit",
    ),
    path(
        "innovation/<slug:kind>/<int:pk>/remove/",
        views.RecordRemoveView.as_view(),
        name="innovation_remove",
    ),
    path("innovation/projects/<int:pk>/", views.TechProjectView.as_view(), name="tech_project"),
    path(
        "innovation/projects/<int:pk>/milestones/",
        views.MilestoneAddView.as_view(),
        name="milestone_add",
    ),
    path(
        "innovation/milestones/<int:pk>/reach/",
        views.MilestoneReachView.as_view(),
        name="milestone_reach",
    ),
]
