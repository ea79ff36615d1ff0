from django.urls import path

from reporting.notices import views

urlpatterns = [
    path(
        "notices/preferences/",
        views.NoticePreferencesView.as_view(),
        name="notice_preferences",
    ),
]
