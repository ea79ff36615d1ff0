from django.urls import path

from chains.cultivation import views

urlpatterns = [
    path("cultivation/", views.CultivationView.as_view(), name="cultivation"),
]
