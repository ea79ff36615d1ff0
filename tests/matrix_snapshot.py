"""The `matrix` fixture, fast: the real matrix_load runs once per test session (per database);
every later test that asks for the matrix gets the same rows put back in a few bulk inserts,
inside its own transaction as before. matrix_load issues about 700 queries (0.3 s on
PostgreSQL) and two thousand tests ask for the matrix: this halves the suite's time.

Only a database the matrix has not touched gets the copy (the row counts of every table the
load wrote are what they were before it); anything else — a test that made units of its own
first — runs matrix_load itself."""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, Max, Min

from accounts.models import User
from chains.matrix.io import matrix_load
from chains.models import Industry, Official, Unit


class _Snapshot:
    def __init__(self, report, rows: dict, counts: dict):
        self.report, self.rows, self.counts = report, rows, counts


_snapshots: dict[str, _Snapshot] = {}


def _models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]


def _pks(models) -> dict:
    return {m: set(m._default_manager.values_list("pk", flat=True)) for m in models}


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def load():
    """matrix_load's report, with the matrix in the database."""
    # A flushed database (after a test that commits) has its permissions and content types made
    # again, under new ids: a copy taken before would point at ids that are gone.
    key = (
        connection.settings_dict["NAME"],
        *Permission.objects.aggregate(Min("pk"), Max("pk"), Count("pk")).values(),
        *ContentType.objects.aggregate(Min("pk"), Max("pk"), Count("pk")).values(),
    )
    snapshot = _snapshots.get(key)
    if snapshot is not None and _untouched(snapshot):
        # One transaction, so the references are checked once every row is back.
        with transaction.atomic():
            for model, rows in snapshot.rows.items():
                model._default_manager.bulk_create([model(**values) for values in rows])
        return snapshot.report
    if snapshot is not None:
        return matrix_load()
    models = _models()
    before = _pks(models)
    report = matrix_load()
    rows, counts = {}, {}
    for model in models:
        new = model._default_manager.exclude(pk__in=before[model]).order_by("pk")
        added = [_values(obj) for obj in new]
        if added:
            rows[model], counts[model] = added, len(before[model])
    # Only a load into an empty matrix is kept: a test that made units, officials, industries
    # or users first may have had them changed by the load.
    if not any(before[m] for m in (Unit, Official, Industry, User)):
        _snapshots[key] = _Snapshot(report, rows, counts)
    return report


def _untouched(snapshot: _Snapshot) -> bool:
    return all(model._default_manager.count() == n for model, n in snapshot.counts.items())
