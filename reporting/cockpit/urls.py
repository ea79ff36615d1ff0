from django.urls import path

from reporting.cockpit import views

urlpatterns = [path("cockpit/", views.CockpitView.as_view(), name="cockpit")]
