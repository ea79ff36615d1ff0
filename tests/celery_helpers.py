"""Running the real Celery app against a chosen broker inside a test."""

import contextlib

from celery.signals import task_postrun
from django.db import connections

from portal.celery import app


def _reset_pools():
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker(url):
    """Point the Celery app at another broker, with eager mode off, then restore it."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    _reset_pools()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_pools()


def _close_thread_connections(**kwargs):
    # The worker runs in a thread with its own database connections; close them after each
    # task so the test database can be dropped at the end of the run.
    connections.close_all()


@contextlib.contextmanager
def real_worker(url):
    """A real Celery worker (solo pool, in a thread) consuming from Redis at `url`."""
    import celery.contrib.testing.tasks  # noqa: F401  (the worker's ping check)
    from celery.contrib.testing.worker import start_worker

    with broker(url):
        app.control.purge()
        task_postrun.connect(_close_thread_connections, weak=False)
        try:
            with start_worker(
                app, pool="solo", perform_ping_check=True, shutdown_timeout=10
            ) as worker:
                yield worker
        finally:
            task_postrun.disconnect(_close_thread_connections)
