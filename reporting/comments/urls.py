from django.urls import path

from reporting.comments import views

urlpatterns = [path("comments/new/", views.CommentCreateView.as_view(), name="comment_new")]
