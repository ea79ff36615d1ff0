from django.urls import path

from reporting.views import coordination as coordination_views
from reporting.views import land as land_views
from reporting.views import plans as plan_views
from reporting.views import updates as views

app_name = "reporting"

urlpatterns = [
    path("", views.DueView.as_view(), name="due"),
    path("start/", views.UpdateStartView.as_view(), name="start"),
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("batch/<str:period>/", views.BatchEditView.as_view(), name="batch"),
    path("<int:pk>/", views.UpdateDetailView.as_view(), name="update"),
    path("<int:pk>/edit/", views.UpdateEditView.as_view(), name="edit"),
    path("<int:pk>/autosave/", views.UpdateAutosaveView.as_view(), name="autosave"),
    path("<int:pk>/withdraw/", views.UpdateWithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/contribute/", views.ContributionCreateView.as_view(), name="contribute"),
    path("<int:pk>/history/", views.UpdateHistoryView.as_view(), name="history"),
    path("<int:pk>/review/", views.UpdateReviewView.as_view(), name="review"),
    path("plans/", plan_views.PlanListView.as_view(), name="plans"),
    path("plans/start/", plan_views.PlanStartView.as_view(), name="plan_start"),
    path("plans/<int:pk>/", plan_views.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:pk>/edit/", plan_views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/review/", plan_views.PlanReviewView.as_view(), name="plan_review"),
    path(
        "plans/progress/<str:period>/",
        plan_views.PlanProgressView.as_view(),
        name="plan_progress",
    ),
    path("land/", land_views.LandListView.as_view(), name="land"),
    path("land/add/", land_views.LandAddView.as_view(), name="land_add"),
    path("land/<int:pk>/edit/", land_views.LandEditView.as_view(), name="land_edit"),
    path("land/<int:pk>/remove/", land_views.LandRemoveView.as_view(), name="land_remove"),
    path("problems/", coordination_views.ProblemListView.as_view(), name="problems"),
    path(
        "problems/<int:pk>/escalate/",
        coordination_views.ProblemEscalateView.as_view(),
        name="problem_escalate",
    ),
    path("meetings/new/", coordination_views.MeetingCreateView.as_view(), name="meeting_new"),
    path("meetings/<int:pk>/", coordination_views.MeetingDetailView.as_view(), name="meeting"),
    path("actions/<int:pk>/", coordination_views.ActionDetailView.as_view(), name="action"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path(
        "attachments/<int:pk>/remove/",
        views.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
]
