from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Monthly updates and reports")

    def ready(self):
        # Register the tasks in every process (web included), not only in the worker:
        # the outbox looks them up by name.
        from django.core.signals import request_started
        from django.db.models.signals import post_delete, post_save
        from django.http import multipartparser

        from reporting import tasks  # noqa: F401

        # Django refuses a multipart part whose headers exceed 1 KB with a bare 400, losing the
        # whole form: a file name of a few hundred Chinese characters (3 bytes each) does that.
        # 8 KB keeps such uploads (the name is then shortened, attachments.clean_name) while
        # still bounding what a part's headers may hold: past 8 KB (only a crafted request) the
        # bare 400 remains. It applies to every upload form.
        multipartparser.MAX_TOTAL_HEADER_SIZE = max(multipartparser.MAX_TOTAL_HEADER_SIZE, 8192)
        from portal.dataversion import data_changed, send_unsent_bump, topics
        from reporting.models import CalendarOverride, CalendarYear, ReportingPeriod
        from reporting.periods import workdays

        # A new month or a changed deadline changes the dashboard's numbers and choices; a
        # holiday or make-up day changes the working-day calendar each process keeps.
        def periods_changed(sender, **kwargs):
            if sender is not ReportingPeriod:
                workdays.forget()
            data_changed(topics.PERIODS)

        for model in (ReportingPeriod, CalendarOverride, CalendarYear):
            for signal in (post_save, post_delete):
                signal.connect(
                    periods_changed,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"periods-topic-{model.__name__}-{signal is post_save}",
                )
        # A dashboard version bump that found Redis away is sent at this process's next request,
        # not only when it next shows the dashboard: other processes read the version too.
        request_started.connect(send_unsent_bump, weak=False, dispatch_uid="dashboard-bump")
        # ... and at a worker's next task (a worker sees no request).
        from celery.signals import task_prerun

        task_prerun.connect(send_unsent_bump, weak=False, dispatch_uid="dashboard-bump-task")
