"""Celery tasks of the statistics: thin, idempotent, each calling a service."""

from celery import shared_task

from chains.figures.writing import refused_files_purge


@shared_task(name="chains.purge_refused_files")
def purge_refused_files() -> int:
    """Daily: delete the files of refused statistics uploads uploaded more than 30 days ago."""
    return refused_files_purge()
