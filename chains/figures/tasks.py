"""Celery tasks of the chains app: thin, idempotent, each calling a service."""

from celery import shared_task


@shared_task(name="chains.purge_refused_files")
def purge_refused_files() -> int:
    """Daily: delete the files of refused statistics uploads uploaded more than 30 days ago."""
    from chains.figures.writing import refused_files_purge

    return refused_files_purge()
