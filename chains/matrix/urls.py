from django.urls import path

from chains.matrix import views

urlpatterns = [
    path("", views.MatrixView.as_view(), name="matrix"),
    path("changes/", views.MatrixChangeListView.as_view(), name="matrix_changes"),
    path("units/<slug:code>/", views.UnitDetailView.as_view(), name="unit"),
]
