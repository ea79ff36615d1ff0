"""Celery tasks of the reporting app."""

from celery import shared_task


@shared_task(name="reporting.ping")
def ping() -> str:
    """Answers through whatever broker is configured; used by the health checks and tests."""
    return "pong"
