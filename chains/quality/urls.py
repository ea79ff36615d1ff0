from django.urls import path

from chains.quality import views

urlpatterns = [path("follow-up/", views.FollowUpView.as_view(), name="follow_up")]
