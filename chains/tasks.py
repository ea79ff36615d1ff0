"""The chains app's Celery tasks, one module per feature (Celery looks for `<app>.tasks`)."""

from chains.figures import tasks as figures_tasks
from chains.matrix import tasks as matrix_tasks

__all__ = ["figures_tasks", "matrix_tasks"]
