"""The scoped fetches of the features' access modules (built on accounts/access.py): each
returns the very object asked for, never another of its kind the user may also see, and loads in
its one query the related rows its pages show (so showing them costs no further query). Walked on tests/url_security_world.py, which holds
two of every kind of row."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from accounts import access as access_
from chains.figures import access as figures_access
from chains.models import Enterprise
from chains.policies import access as policies_access
from reporting.land import access as land_access
from reporting.plans import access as plans_access
from reporting.reports import access as reports_access
from reporting.supervision import access as supervision_access
from reporting.updates import access as updates_access
from tests import url_security_world as world_data


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


# (fetch, the world's key for the object, who fetches it in each scope, what the fetch loads,
# the queries the fetch and its permission check take, those related rows included)
CASES = [
    (updates_access.access_attachment, "attachment", ("swj", "gxj"), ["update.industry"], 2),
    (
        figures_access.access_enterprise,
        "enterprise",
        ("drc", "drc"),
        ["industry", "district", "subsegment"],
        1,
    ),
    (
        supervision_access.access_problem,
        "problem",
        ("drc", "drc"),
        ["update.industry", "update.unit", "update.period", "meeting"],
        1,
    ),
    (supervision_access.access_meeting, "meeting", ("swj", "gxj"), ["industry", "chair"], 2),
    (
        supervision_access.access_action,
        "action",
        ("swj", "gxj"),
        ["industry", "meeting.chair", "unit", "problem.update.period"],
        1,
    ),
    (
        plans_access.access_plan,
        "plan",
        ("swj", "gxj"),
        ["unit", "industry", "plan_year", "created_by"],
        1,
    ),
    (land_access.access_land_item, "land_item", ("swj", "gxj"), ["unit", "industry", "carrier"], 1),
    (
        policies_access.access_policy_record,
        "policy",
        ("swj", "gxj"),
        ["industry", "issuer", "created_by"],
        2,
    ),
]


def _objects(w, key):
    """The object of each scope: 商贸物流's and 电子信息's (or the world's two of a kind)."""
    pairs = {
        "enterprise": (w["enterprise"], w["other"]["enterprise"]),
        "import": (w["import"], w["applied_import"]),
        "report": (w["report"], w["final_report"]),
    }
    return pairs.get(key) or (w[key], w["other"][key])


def _fill(w, obj):
    """Give the object every optional related row its fetch loads (the world leaves some
    empty), so a `select_related` entry dropped from the fetch costs a query here."""
    from chains.models import CarrierArea, SubSegment
    from reporting.models import LandItem, Meeting, Problem, Report

    if isinstance(obj, Enterprise):
        filled, _created = SubSegment.objects.get_or_create(industry=obj.industry, name="细分领域")
        obj.subsegment = filled
    elif isinstance(obj, Problem):
        obj.meeting = filled = Meeting.objects.filter(industry=obj.update.industry).first()
    elif isinstance(obj, LandItem):
        obj.carrier = filled = CarrierArea.objects.create(
            name=f"{obj.name} 载体", kind="main", unit=obj.unit
        )
    elif isinstance(obj, Report):
        obj.generated_by = obj.edited_by = filled = w["users"]["drc"]
    else:
        return
    assert filled is not None
    obj.save()


def _touch(obj, path):
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj


@pytest.mark.parametrize(
    ("fetch", "key", "who", "related", "count"), CASES, ids=[c[0].__name__ for c in CASES]
)
def test_each_fetch_returns_the_object_asked_for_with_what_its_pages_show(
    w, fetch, key, who, related, count
):
    for obj, username in zip(_objects(w, key), who, strict=True):
        _fill(w, obj)
        with CaptureQueriesContext(connection) as queries:
            found = fetch(user=w["users"][username], pk=obj.pk)
            fetched = len(queries.captured_queries)
            for path in related:
                _touch(found, path)
        assert (type(found), found.pk) == (type(obj), obj.pk)
        assert len(queries.captured_queries) == fetched == count, (fetch, related)


@pytest.mark.parametrize(
    ("fetch", "key", "username", "related", "kwargs"),
    [
        (figures_access.access_figure_import, "import", "stats", ["uploaded_by"], {"write": True}),
        (
            reports_access.access_report,
            "report",
            "drc",
            ["generated_by", "finalised_by", "edited_by"],
            {},
        ),
    ],
)
def test_imports_and_reports_are_fetched_by_their_own_number(
    w, fetch, key, username, related, kwargs
):
    """One query each, the people named on it included."""
    for obj in _objects(w, key):
        _fill(w, obj)
        with CaptureQueriesContext(connection) as queries:
            found = fetch(user=w["users"][username], pk=obj.pk, **kwargs)
            fetched = len(queries.captured_queries)
            for path in related:
                _touch(found, path)
        assert (type(found), found.pk) == (type(obj), obj.pk)
        assert len(queries.captured_queries) == fetched == 1, (fetch, related)


def test_an_enterprise_of_an_industry_the_unit_has_no_part_in_is_refused(w):
    from django.core.exceptions import PermissionDenied

    other = w["other"]["enterprise"]
    assert Enterprise.objects.filter(pk=other.pk).exists()
    with pytest.raises(PermissionDenied):
        figures_access.access_enterprise(user=w["users"]["swj"], pk=other.pk)


def test_a_removed_attachment_is_no_longer_served(w):
    from django.http import Http404
    from django.utils import timezone

    attachment = w["attachment"]
    updates_access.access_attachment(user=w["users"]["swj"], pk=attachment.pk)
    type(attachment).objects.filter(pk=attachment.pk).update(removed_at=timezone.now())
    with pytest.raises(Http404):
        updates_access.access_attachment(user=w["users"]["swj"], pk=attachment.pk)


def test_a_draft_report_is_the_drcs_alone_and_a_final_one_is_read_by_leaders(w):
    from django.core.exceptions import PermissionDenied

    leader, drc = w["users"]["leader_hyt"], w["users"]["drc"]
    with pytest.raises(PermissionDenied):
        reports_access.access_report(user=leader, pk=w["report"].pk)
    assert reports_access.access_report(user=drc, pk=w["report"].pk) == w["report"]
    assert reports_access.access_report(user=leader, pk=w["final_report"].pk) == w["final_report"]
    with pytest.raises(PermissionDenied):
        reports_access.access_report(user=leader, pk=w["final_report"].pk, write=True)


def test_a_report_job_is_followed_by_the_drc_alone(w):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    job = w["job"]
    assert reports_access.access_report_job(user=w["users"]["drc"], pk=job.pk) == job
    for who in ("leader_hyt", "stats", "admin", "swj"):
        with pytest.raises(PermissionDenied):
            reports_access.access_report_job(user=w["users"][who], pk=job.pk)
    with pytest.raises(Http404):
        reports_access.access_report_job(user=w["users"]["drc"], pk=job.pk + 1000)


def test_no_plan_for_an_inactive_or_anonymous_user(w):
    from django.contrib.auth.models import AnonymousUser

    plan = w["plan"]
    swj = w["users"]["swj"]
    assert plans_access.can_plan(swj, plans_access.PlanAction.EDIT, plan)
    swj.is_active = False
    for action in plans_access.PlanAction:
        assert not plans_access.can_plan(swj, action, plan)
        assert not plans_access.can_plan(AnonymousUser(), action, plan)


def test_an_import_is_read_by_those_who_read_statistics_and_applied_by_the_bureau(w):
    from django.core.exceptions import PermissionDenied

    record = w["import"]
    drc, stats = w["users"]["drc"], w["users"]["stats"]
    assert figures_access.access_figure_import(user=drc, pk=record.pk) == record
    with pytest.raises(PermissionDenied):
        figures_access.access_figure_import(user=drc, pk=record.pk, write=True)
    assert figures_access.access_figure_import(user=stats, pk=record.pk, write=True) == record


def test_an_industry_is_fetched_with_its_category_and_assignment_in_one_query(w):
    with CaptureQueriesContext(connection) as queries:
        industry = access_.access_industry(user=w["users"]["drc"], code=w["ei"].code)
        industry.category.name, industry.assignment.code  # noqa: B018
    assert industry == w["ei"]
    assert len(queries.captured_queries) == 1
