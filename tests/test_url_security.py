"""Deny by default: every URL of the project, walked as an anonymous user, a user of the wrong
unit and a user of the right unit. A new URL without an expectation here fails the test, so
each page joins this check the day it is added."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.policies import policy_of

LOGIN = "login"  # a redirect to the login page
DENIED = (403, 404)

# name → (method, kwargs, {user: expected}[, POST data]). Every URL is tried as an anonymous user, a user of
# a unit with no part in the object ("swj": 市商务局) and the users who may use it. Keyword
# values in braces name objects made by the `samples` fixture.
EXPECTATIONS = {
    "home": ("get", {}, {"anonymous": LOGIN, "swj": 200, "gxj": 200}),
    "chains:matrix": ("get", {}, {"anonymous": LOGIN, "swj": 200, "gxj": 200}),
    "chains:industry": (
        "get",
        {"code": "electronic-information"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200},
    ),
    "chains:unit": ("get", {"code": "gxj"}, {"anonymous": LOGIN, "swj": DENIED, "gxj": 200}),
    "chains:policies": (
        "get",
        {"code": "electronic-information"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "siming": 200, "drc": 200},
    ),
    "chains:policy_new": (
        "get",
        {"code": "electronic-information"},
        {"anonymous": LOGIN, "swj": DENIED, "siming": 403, "drc": 403, "gxj": 200},
    ),
    "chains:policy": (
        "get",
        {"pk": "{policy}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "siming": 200, "drc": 200},
    ),
    "chains:policy_edit": (
        "get",
        {"pk": "{policy}"},
        {"anonymous": LOGIN, "swj": DENIED, "siming": 403, "drc": 403, "gxj": 200},
    ),
    "accounts:login": ("get", {}, {"anonymous": 200, "swj": 302, "gxj": 302}),
    "accounts:logout": ("get", {}, {"anonymous": LOGIN, "swj": 405, "gxj": 405}),  # a POST
    "accounts:notifications": ("get", {}, {"anonymous": LOGIN, "swj": 200, "gxj": 200}),
    "accounts:password_change": ("get", {}, {"anonymous": LOGIN, "swj": 200, "gxj": 200}),
    "set_language": ("get", {}, {"anonymous": 302, "swj": 302, "gxj": 302}),
    "healthz": ("get", {}, {"anonymous": 200, "swj": 200, "gxj": 200}),
    "readyz": ("get", {}, {"anonymous": 200, "swj": 200, "gxj": 200}),
    "reporting:due": ("get", {}, {"anonymous": LOGIN, "swj": 200, "gxj": 200}),
    "reporting:start": (
        "post",
        {},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 302},
        {"industry": "electronic-information", "period": "{period}"},
    ),
    "reporting:review_queue": ("get", {}, {"anonymous": LOGIN, "swj": 403, "gxj": 403, "drc": 200}),
    "reporting:batch": (
        "get",
        {"period": "{period}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200},
    ),
    "reporting:update": (
        "get",
        {"pk": "{update}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "siming": 200, "drc": 200},
    ),
    "reporting:edit": (
        "get",
        {"pk": "{update}"},
        {"anonymous": LOGIN, "swj": DENIED, "siming": DENIED, "drc": DENIED, "gxj": 200},
    ),
    "reporting:autosave": (
        "post",
        {"pk": "{update}"},
        {"anonymous": LOGIN, "swj": DENIED, "siming": DENIED, "gxj": 400},
    ),
    "reporting:withdraw": (
        "post",
        {"pk": "{update}"},
        {"anonymous": LOGIN, "swj": DENIED, "siming": DENIED, "gxj": 302},
    ),
    "reporting:contribute": (
        "post",
        {"pk": "{update}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": DENIED, "siming": 302},
    ),
    "reporting:history": (
        "get",
        {"pk": "{update}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200},
    ),
    "reporting:review": (
        "get",
        {"pk": "{update}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": DENIED, "drc": 200},
    ),
    "reporting:attachment": (
        "get",
        {"pk": "{attachment}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "drc": 200},
    ),
    "reporting:attachment_remove": (
        "post",
        {"pk": "{attachment}"},
        {"anonymous": LOGIN, "swj": DENIED, "siming": DENIED, "gxj": 302},
    ),
    # A unit's land list; another unit sees only the items of industries it views.
    "reporting:land": (
        "get",
        {},
        {"anonymous": LOGIN, "swj": 200, "gxj": 200, "siming": 200, "drc": 200},
        {"unit": "gxj"},
    ),
    "reporting:land_add": (  # bound to an update: only its filing unit
        "get",
        {},
        {
            "anonymous": LOGIN,
            "swj": DENIED,
            "siming": DENIED,
            "drc": DENIED,
            "leader_huang_yt": 403,
            "gxj": 200,
        },
        {"update": "{update}"},
    ),
    "reporting:land_edit": (
        "get",
        {"pk": "{land_item}"},
        {"anonymous": LOGIN, "swj": DENIED, "siming": DENIED, "drc": DENIED, "gxj": 200},
    ),
    "reporting:land_remove": (
        "post",
        {"pk": "{land_item}"},
        {"anonymous": LOGIN, "swj": DENIED, "siming": DENIED, "drc": DENIED, "gxj": 302},
    ),
    "reporting:problems": ("get", {}, {"anonymous": LOGIN, "swj": 200, "drc": 200}),
    "reporting:problem_escalate": (
        "post",
        {"pk": "{problem}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": DENIED, "drc": 302},
    ),
    "reporting:meeting_new": (
        "get",
        {},
        {"anonymous": LOGIN, "swj": 403, "gxj": 403, "drc": 200},
        {"industry": "electronic-information"},
    ),
    "reporting:meeting": (
        "get",
        {"pk": "{meeting}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "siming": 200, "drc": 200},
    ),
    "reporting:action": (
        "get",
        {"pk": "{action}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "drc": 200},
    ),
    "dashboard": (
        "get",
        {},
        {
            "anonymous": LOGIN,
            "swj": 403,
            "gxj": 403,
            "drc": 200,
            "leader_huang_yt": 200,
            "stats": 200,
        },
    ),
    "district_assessment": (
        "get",
        {},
        {
            "anonymous": LOGIN,
            "swj": 403,
            "gxj": 403,
            "siming": 403,
            "leader_huang_yt": 403,
            "drc": 200,
            "stats": 200,
        },
    ),
    "district_assessment_detail": (
        "get",
        {"code": "siming"},
        {"anonymous": LOGIN, "swj": 403, "siming": 403, "gxj": 403, "drc": 200},
    ),
    "stats:home": (
        "get",
        {},
        {"anonymous": LOGIN, "swj": 403, "gxj": 403, "stats": 200, "drc": 200},
    ),
    "stats:import": (
        "get",
        {"pk": "{import}"},
        {"anonymous": LOGIN, "swj": 403, "stats": 200, "drc": 200},
    ),
    "stats:import_file": (
        "get",
        {"pk": "{import}"},
        {"anonymous": LOGIN, "swj": 403, "stats": 200, "drc": 200},
    ),
    "stats:template": (
        "get",
        {"kind": "industry_figures"},
        {"anonymous": LOGIN, "swj": 200, "stats": 200},
    ),
    "stats:industry": (
        "get",
        {"code": "electronic-information"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "siming": 200, "stats": 200},
    ),
    "reporting:plans": ("get", {}, {"anonymous": LOGIN, "swj": 200, "gxj": 200, "drc": 200}),
    "reporting:plan_start": (
        "post",
        {},
        {"anonymous": LOGIN, "swj": DENIED, "siming": DENIED, "gxj": 302},
        {"industry": "electronic-information", "year": "2025"},
    ),
    "reporting:plan": (
        "get",
        {"pk": "{plan}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "siming": 200, "drc": 200},
    ),
    "reporting:plan_edit": (
        "get",
        {"pk": "{plan}"},
        {"anonymous": LOGIN, "swj": DENIED, "siming": DENIED, "drc": DENIED, "gxj": 200},
    ),
    "reporting:plan_review": (
        "post",
        {"pk": "{plan}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": DENIED, "drc": 302},
    ),
    "reporting:plan_progress": (  # always the user's own unit's page
        "get",
        {"period": "{period}"},
        {"anonymous": LOGIN, "swj": 200, "gxj": 200},
    ),
    "reports:archive": ("get", {}, {"anonymous": LOGIN, "swj": 403, "gxj": 403, "drc": 200}),
    "reports:generate": (
        "post",
        {},
        {"anonymous": LOGIN, "swj": 403, "gxj": 403, "drc": 302},
        {"kind": "monthly", "period": "2025-09"},
    ),
    "reports:job": ("get", {"pk": "{job}"}, {"anonymous": LOGIN, "swj": 403, "drc": 200}),
    "reports:job_status": ("get", {"pk": "{job}"}, {"anonymous": LOGIN, "swj": 403, "drc": 200}),
    "reports:report": (
        "get",
        {"pk": "{report}"},
        {"anonymous": LOGIN, "swj": 403, "gxj": 403, "drc": 200},
    ),
    # A post naming no version is refused like a stale one: 409, nothing written.
    "reports:edit": ("post", {"pk": "{report}"}, {"anonymous": LOGIN, "swj": 403, "drc": 409}),
    "reports:html": ("get", {"pk": "{report}"}, {"anonymous": LOGIN, "swj": 403, "drc": 200}),
    "reports:pdf": ("get", {"pk": "{report}"}, {"anonymous": LOGIN, "swj": 403, "drc": 200}),
    "stats:enterprise": (
        "get",
        {"pk": "{enterprise}"},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "drc": 200},
    ),
    # Every user has the page for their own industries; a filter to another one is refused.
    "stats:cultivation": (
        "get",
        {},
        {"anonymous": LOGIN, "swj": DENIED, "gxj": 200, "siming": 200, "stats": 200},
        {"industry": "electronic-information"},
    ),
}


@pytest.fixture
def samples(users, monkeypatch):
    """An update of 市工信局 on 电子信息 for last month, with an attachment."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chains.models import Industry, Unit
    from reporting import services

    period = services.period_get_or_create(2025, 9)
    monkeypatch.setattr(services, "today", lambda: period.deadline)
    update = services.update_start(
        industry=Industry.objects.get(code="electronic-information"),
        unit=Unit.objects.get(name="市工信局"),
        period=period,
        user=users["gxj"],
    )
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 test")
    attachment = services.attachment_add(update=update, user=users["gxj"], upload=upload)
    from chains.creditcode import check_character
    from chains.figures import importer
    from chains.models import Enterprise

    record = importer.upload_record(
        upload=SimpleUploadedFile("f.csv", "产业,工业总产值\n".encode()), user=users["stats"]
    )
    code = "91350200MA0000000" + check_character("91350200MA0000000")
    enterprise = Enterprise.objects.create(
        credit_code=code, name="厦门样例科技", industry=update.industry
    )
    from chains.models import Official, Policy
    from reporting import coordination

    update = services.update_save(
        update=update,
        content=services.UpdateContent(
            fields={},
            problems=[
                {
                    "description": "用电增容",
                    "type": "energy",
                    "concerned": "",
                    "needs_meeting": True,
                }
            ],
        ),
        expected_version=update.version,
        user=users["gxj"],
    )
    problem = update.problems.get()
    escalated = update.problems.create(description="人才住房", type="talent", status="escalated")
    meeting = coordination.meeting_create(
        industry=update.industry,
        chair=Official.objects.get(name="黄晓舟"),
        date=period.deadline,
        units=[],
        problems=[escalated],
        minutes="",
        user=users["drc"],
    )
    action = coordination.action_create(
        meeting=meeting,
        decision="落实住房",
        unit=update.unit,
        deadline=period.lock_date,
        user=users["drc"],
    )
    from reporting import plans

    plan = plans.plan_start(
        unit=update.unit, industry=update.industry, year=period.year, user=users["gxj"]
    )
    from reporting import land

    land_item = land.land_item_add(
        user=users["gxj"],
        unit=update.unit,
        year=period.year,
        month=period.month,
        kind="supplied",
        name="翔安12号地块",
        area=100,
        area_unit="mu",
        status="planned",
        update=update,
    )
    from reporting.models import Report, ReportJob
    from reporting.reports.gather import gather

    data = gather("monthly", period.year, period.month)
    report = Report.objects.create(
        kind="monthly", period=period.slug, title=data["title"], data=data
    )
    job = ReportJob.objects.create(kind="monthly", period=period.slug, status="done", report=report)
    return {
        "report": report.pk,
        "job": job.pk,
        "plan": plan.pk,
        "land_item": land_item.pk,
        "update": update.pk,
        "attachment": attachment.pk,
        "period": period.slug,
        "import": record.pk,
        "enterprise": enterprise.pk,
        "problem": problem.pk,
        "meeting": meeting.pk,
        "action": action.pk,
        "policy": Policy.objects.create(
            industry=update.industry,
            title="厦门市加快电子信息产业发展若干措施",
            issuer=update.unit,
            issued_on=period.deadline,
            created_by=users["gxj"],
        ).pk,
    }


def walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield namespace, (f"{namespace}{entry.name}" if entry.name else None), entry


def project_urls():
    """Every URL but the admin site's, which checks staff status itself (tested below)."""
    return [
        (name, p)
        for ns, name, p in walk(get_resolver().url_patterns)
        if not ns.startswith("admin:")
    ]


def admin_urls():
    return [
        name
        for ns, name, p in walk(get_resolver().url_patterns)
        if ns.startswith("admin:") and name and not p.pattern.regex.groupindex
    ]


def test_every_project_url_is_named_and_has_an_expectation():
    missing = [name or str(p.pattern) for name, p in project_urls() if name not in EXPECTATIONS]
    assert not missing, f"add an access expectation to EXPECTATIONS for: {missing}"
    assert set(EXPECTATIONS) == {name for name, _p in project_urls()}


def test_every_project_view_declares_an_access_policy():
    undeclared = [name for name, p in project_urls() if policy_of(p.callback) is None]
    assert not undeclared


def check(response, expected, name, who):
    where = f"{name} as {who}: {response.status_code}"
    if expected == LOGIN:
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse("accounts:login")), where
    elif isinstance(expected, tuple):
        assert response.status_code in expected, where
    else:
        assert response.status_code == expected, where


def resolve_kwargs(kwargs, samples):
    return {
        k: samples[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v
        for k, v in kwargs.items()
    }


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_url_answers_each_kind_of_user(name, users, samples, client):
    method, kwargs, expected, *data = EXPECTATIONS[name]
    data = resolve_kwargs(data[0], samples) if data else {}
    assert {"anonymous", "swj"} <= set(expected), "try every URL anonymously and as a wrong unit"
    url = reverse(name, kwargs=resolve_kwargs(kwargs, samples))
    for who, outcome in expected.items():
        client.logout()
        if who != "anonymous":
            client.force_login(users[who])
        response = client.post(url, data) if method == "post" else client.get(url, data)
        check(response, outcome, name, who)


def test_admin_is_closed_to_unit_staff_and_open_to_admins(users, client):
    names = admin_urls()
    assert "admin:index" in names and "admin:chains_industry_changelist" in names
    public = {"admin:login", "admin:logout"}  # the admin's own sign-in and sign-out
    for name in set(names) - public:
        url = reverse(name)
        client.logout()
        assert client.get(url).status_code in (302, 403), f"{name} anonymous"
        client.force_login(users["gxj"])
        response = client.get(url)
        assert response.status_code in (302, 403), f"{name} as unit staff"
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"]
    client.force_login(users["admin"])
    for name in (
        "admin:index",
        "admin:chains_industry_changelist",
        "admin:chains_unit_changelist",
        "admin:chains_assignment_changelist",
        "admin:accounts_user_changelist",
        "admin:chains_industry_import",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_a_view_without_a_policy_is_refused(users, rf):
    """The middleware itself: a view that forgot to declare its rule answers 403."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.urls import ResolverMatch

    from accounts.middleware import AccessPolicyMiddleware

    def forgotten(request):
        return HttpResponse("secret")

    request = rf.get("/forgotten/")
    request.user = users["drc"]
    request.resolver_match = ResolverMatch(forgotten, (), {}, url_name="forgotten")
    middleware = AccessPolicyMiddleware(lambda r: HttpResponse())
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, forgotten, (), {})
