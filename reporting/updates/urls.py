from django.urls import path

from reporting.updates import review_views, views

urlpatterns = [
    path("", views.DueView.as_view(), name="due"),
    path("start/", views.UpdateStartView.as_view(), name="start"),
    path("review/", review_views.ReviewQueueView.as_view(), name="review_queue"),
    path("batch/<str:period>/", review_views.BatchEditView.as_view(), name="batch"),
    path("<int:pk>/", views.UpdateDetailView.as_view(), name="update"),
    path("<int:pk>/edit/", views.UpdateEditView.as_view(), name="edit"),
    path("<int:pk>/autosave/", views.UpdateAutosaveView.as_view(), name="autosave"),
    path("<int:pk>/withdraw/", views.UpdateWithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/contribute/", views.ContributionCreateView.as_view(), name="contribute"),
    path("<int:pk>/history/", views.UpdateHistoryView.as_view(), name="history"),
    path("<int:pk>/review/", review_views.UpdateReviewView.as_view(), name="review"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment"),
    path(
        "attachments/<int:pk>/remove/",
        views.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
]
