from django.urls import path

from reporting.plans import views

urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="plans"),
    path("plans/start/", views.PlanStartView.as_view(), name="plan_start"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/review/", views.PlanReviewView.as_view(), name="plan_review"),
    path(
        "plans/progress/<str:period>/",
        views.PlanProgressView.as_view(),
        name="plan_progress",
    ),
]
