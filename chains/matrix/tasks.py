"""Celery tasks of the matrix: thin, idempotent, each calling a service."""

from celery import shared_task

from chains.matrix.permissions import permissions_resync as resync


@shared_task(name="accounts.permissions_resync")
def permissions_resync() -> str:
    """Daily: re-sync the groups and industry object permissions with the matrix wherever they
    drifted from it (a group deleted, a permission granted by hand); returns what was repaired,
    empty when nothing was."""
    return "\n".join(resync())
