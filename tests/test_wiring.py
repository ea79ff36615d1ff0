"""What a fresh process knows after Django starts, as the web server and the management commands
start: the tests' own imports cannot stand in for it, so each check runs in a new interpreter."""

import json
import os
import subprocess
import sys

from django.conf import settings

SHOW_TASKS = """
import django, json
django.setup()
from portal.celery import app
print(json.dumps(sorted(name for name in app.tasks if not name.startswith("celery."))))
"""


def test_the_web_process_knows_every_task_it_queues_by_name():
    # The outbox hands notices to Celery by task name and a report request finds its task in
    # the registry: in the web process, not only in the worker, which discovers them itself.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    run = subprocess.run(
        [sys.executable, "-c", SHOW_TASKS],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
    )
    names = set(json.loads(run.stdout.strip().splitlines()[-1]))
    assert {
        "reporting.build_report",
        "reporting.notify_submitted",
        "reporting.notify_reviewed",
        "reporting.outbox_relay",
        "reporting.periods_ensure",
        "reporting.send_reminders",
        "reporting.reports_watchdog",
        "reporting.reports_schedule",
    } <= names
