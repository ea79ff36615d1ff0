from django.urls import path

from . import views

app_name = "chains"

urlpatterns = [
    path("", views.MatrixView.as_view(), name="matrix"),
    path("industries/<slug:code>/", views.IndustryDetailView.as_view(), name="industry"),
    path("units/<slug:code>/", views.UnitDetailView.as_view(), name="unit"),
]
