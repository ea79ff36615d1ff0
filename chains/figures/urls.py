from django.urls import path

from chains.figures import views

urlpatterns = [
    path("", views.StatisticsHomeView.as_view(), name="home"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import"),
    path("imports/<int:pk>/file/", views.ImportFileView.as_view(), name="import_file"),
    path("templates/<str:kind>.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("industries/<slug:code>/", views.IndustryFiguresView.as_view(), name="industry"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise"),
]
