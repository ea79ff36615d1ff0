from django.urls import path

from reporting.land import views

urlpatterns = [
    path("land/", views.LandListView.as_view(), name="land"),
    path("land/add/", views.LandAddView.as_view(), name="land_add"),
    path("land/<int:pk>/edit/", views.LandEditView.as_view(), name="land_edit"),
    path("land/<int:pk>/remove/", views.LandRemoveView.as_view(), name="land_remove"),
]
