"""The scoped fetches of accounts/access.py: each returns the very object asked for, never another
of its kind the user may also see, and loads in its one query the related rows its pages show
(so showing them costs no further query). Walked on tests/url_security_world.py, which holds
two of every kind of row."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from accounts import access
from chains.models import Enterprise

from .. import url_security_world as world_data


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = world_data.build(media)
            # A second enterprise, of the other scope: a fetch that lost its pk would find it.
            built["other"]["enterprise"] = world_data._enterprise(
                "另一家企业", built["ei"], "7654321"
            )
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def w(world, db):
    return world


# (fetch, the world's key for the object, who fetches it in each scope, what the fetch loads)
CASES = [
    ("access_attachment", "attachment", ("swj", "gxj"), ["update.industry"]),
    ("access_enterprise", "enterprise", ("drc", "drc"), ["industry", "district", "subsegment"]),
    (
        "access_problem",
        "problem",
        ("drc", "drc"),
        ["update.industry", "update.unit", "update.period", "meeting"],
    ),
    ("access_meeting", "meeting", ("swj", "gxj"), ["industry", "chair"]),
    ("access_action", "action", ("swj", "gxj"), ["meeting.industry", "meeting.chair", "unit"]),
    ("access_plan", "plan", ("swj", "gxj"), ["unit", "industry", "plan_year", "created_by"]),
    ("access_land_item", "land_item", ("swj", "gxj"), ["unit", "industry", "carrier"]),
    ("access_policy_record", "policy", ("swj", "gxj"), ["industry", "issuer", "created_by"]),
]


def _objects(w, key):
    """The object of each scope: 商贸物流's and 电子信息's (or the world's two of a kind)."""
    pairs = {
        "enterprise": (w["enterprise"], w["other"]["enterprise"]),
        "import": (w["import"], w["applied_import"]),
        "report": (w["report"], w["final_report"]),
    }
    return pairs.get(key) or (w[key], w["other"][key])


def _touch(obj, path):
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj


@pytest.mark.parametrize(("fetch", "key", "who", "related"), CASES, ids=[c[0] for c in CASES])
def test_each_fetch_returns_the_object_asked_for_with_what_its_pages_show(
    w, fetch, key, who, related
):
    for obj, username in zip(_objects(w, key), who, strict=True):
        found = getattr(access, fetch)(user=w["users"][username], pk=obj.pk)
        assert (type(found), found.pk) == (type(obj), obj.pk)
        with CaptureQueriesContext(connection) as queries:
            for path in related:
                _touch(found, path)
        assert not queries.captured_queries, (fetch, related)


@pytest.mark.parametrize(
    ("fetch", "key", "username", "related", "kwargs"),
    [
        ("access_figure_import", "import", "stats", ["uploaded_by"], {"write": True}),
        ("access_report", "report", "drc", ["generated_by", "finalised_by", "edited_by"], {}),
    ],
)
def test_imports_and_reports_are_fetched_by_their_own_number(
    w, fetch, key, username, related, kwargs
):
    for obj in _objects(w, key):
        found = getattr(access, fetch)(user=w["users"][username], pk=obj.pk, **kwargs)
        assert (type(found), found.pk) == (type(obj), obj.pk)
        with CaptureQueriesContext(connection) as queries:
            for path in related:
                _touch(found, path)
        assert not queries.captured_queries, (fetch, related)


def test_an_enterprise_of_an_industry_the_unit_has_no_part_in_is_refused(w):
    from django.core.exceptions import PermissionDenied

    other = w["other"]["enterprise"]
    assert Enterprise.objects.filter(pk=other.pk).exists()
    with pytest.raises(PermissionDenied):
        access.access_enterprise(user=w["users"]["swj"], pk=other.pk)
