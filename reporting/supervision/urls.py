from django.urls import path

from reporting.supervision import views

urlpatterns = [
    path("problems/", views.ProblemListView.as_view(), name="problems"),
    path("problems/<int:pk>/", views.ProblemDetailView.as_view(), name="problem"),
    path(
        "problems/<int:pk>/escalate/",
        views.ProblemEscalateView.as_view(),
        name="problem_escalate",
    ),
    path("meetings/", views.MeetingListView.as_view(), name="meetings"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_new"),
    path(
        "meetings/<int:pk>/minutes.pdf",
        views.MeetingMinutesPdfView.as_view(),
        name="meeting_minutes_pdf",
    ),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action"),
    path("board/", views.SupervisionBoardView.as_view(), name="board"),
    path("instructions/", views.InstructionListView.as_view(), name="instructions"),
    path("instructions/new/", views.InstructionCreateView.as_view(), name="instruction_new"),
    path("instructions/<int:pk>/", views.InstructionDetailView.as_view(), name="instruction"),
    path("actions/files/<int:pk>/", views.ActionFileView.as_view(), name="action_file"),
]
