"""The reporting app's Celery tasks, one module per feature (Celery looks for `<app>.tasks`)."""

from reporting.analysis import tasks as analysis_tasks
from reporting.notices import tasks as notices_tasks
from reporting.outbox import tasks as outbox_tasks
from reporting.periods import tasks as periods_tasks
from reporting.reports import tasks as reports_tasks
from reporting.supervision import tasks as supervision_tasks
from reporting.updates import tasks as updates_tasks

__all__ = [
    "analysis_tasks",
    "notices_tasks",
    "outbox_tasks",
    "periods_tasks",
    "reports_tasks",
    "supervision_tasks",
    "updates_tasks",
]
