from django.urls import path

from chains.teams import views

urlpatterns = [
    path("industries/<slug:code>/team/", views.TeamEditView.as_view(), name="team"),
]
