from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Monthly updates and reports")

    def ready(self):
        # Register the tasks in every process (web included), not only in the worker:
        # the outbox looks them up by name.
        from . import tasks  # noqa: F401
