from django.urls import path

from reporting.projects import views

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    path("projects/pipeline/", views.PipelineView.as_view(), name="project_pipeline"),
    path("projects/add/", views.ProjectAddView.as_view(), name="project_add"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project"),
    path("projects/<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("projects/<int:pk>/remove/", views.ProjectRemoveView.as_view(), name="project_remove"),
    path("projects/<int:pk>/restore/", views.ProjectRestoreView.as_view(), name="project_restore"),
]
