"""The `reports` namespace (under /reports/): the archive, generation, jobs and each report."""

from django.urls import path

from reporting.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportArchiveView.as_view(), name="archive"),
    path("generate/", views.ReportGenerateView.as_view(), name="generate"),
    path("jobs/<int:pk>/", views.ReportJobView.as_view(), name="job"),
    path("jobs/<int:pk>/status/", views.ReportJobStatusView.as_view(), name="job_status"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report"),
    path("<int:pk>/edit/", views.ReportEditView.as_view(), name="edit"),
    path("<int:pk>/html/", views.ReportHtmlView.as_view(), name="html"),
    path("<int:pk>/pdf/", views.ReportPdfView.as_view(), name="pdf"),
    path("<int:pk>/pages/<int:number>/", views.ReportPageView.as_view(), name="page"),
    path("<int:pk>/docx/", views.ReportDocxView.as_view(), name="docx"),
    path("<int:pk>/documents/", views.ReportDocumentAddView.as_view(), name="document_add"),
    path("documents/<int:pk>/", views.ReportDocumentView.as_view(), name="document"),
]
