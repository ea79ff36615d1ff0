from django.urls import path

from reporting.assessment import views

urlpatterns = [
    path(
        "dashboard/districts/",
        views.DistrictAssessmentView.as_view(),
        name="district_assessment",
    ),
    path(
        "dashboard/districts/<slug:code>/narrative/",
        views.DistrictNarrativeView.as_view(),
        name="district_narrative",
    ),
    path(
        "dashboard/districts/<slug:code>/",
        views.DistrictAssessmentDetailView.as_view(),
        name="district_assessment_detail",
    ),
]
