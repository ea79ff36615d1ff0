"""The dashboard on ten years of data: server time and queries next to a trivial view, cold
(nothing cached) and warm; My work; the other registers' pages; the reports; and — on
PostgreSQL, where a separate server process can share the database — the load test
(bench/load.py, Locust)."""

import os

from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from accounts.models import User
from chains.models import Industry, Unit
from portal import dataversion

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))


REGISTER_PAGES = {
    "districts": "/dashboard/districts/",
    "cultivation": "/stats/cultivation/",
    "plans": "/updates/plans/",
    "land": "/updates/land/?unit=",
    "industry": "/matrix/industries/electronic-information/",
}


def _register_pages(client, timed) -> dict:
    """The pages of the other five mechanisms on the same ten years: p95 and queries."""
    figures = {}
    for name, url in REGISTER_PAGES.items():

        def get(url=url):
            assert client.get(url).status_code == 200, url

        _p50, p95 = timed(get, rounds=max(10, ROUNDS // 3), percentiles=(0.5, 0.95))
        with CaptureQueriesContext(connection) as queries:
            get()
        figures[f"{name}_page_p95_ms"] = p95
        figures[f"{name}_page_queries"] = len(queries.captured_queries)
    return figures


def _supervision_pages(client, timed) -> dict:
    """督办看板 and the page of an item with a long history, as the DRC."""
    from reporting.models import ActionItem

    item = (
        ActionItem.objects.filter(status="reported")
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .first()
    )
    pages = {
        "supervision_board": "/updates/board/",
        "item_page": f"/updates/actions/{item.pk}/",
        # The register, as the DRC reads it (every industry) and its pipeline.
        "project_register": "/updates/projects/",
        "project_pipeline": "/updates/projects/pipeline/",
        # 市招商办's page: every lead, by stage, the enterprises two units court.
        "leads_page": "/updates/leads/",
        "innovation_page": "/updates/innovation/",
        "hearing_page": "/dashboard/hearing/",
        # The landing page of city leaders and the DRC (驾驶舱).
        "cockpit": "/cockpit/",
        # Every open problem across the industries, a page of them.
        "problem_list": "/updates/problems/",
        # The header's search: a word in thousands of problems, enterprises and projects.
        "search": "/search/?q=%E7%94%A8%E5%9C%B0",  # 用地
        "search_rare": "/search/?q=%E4%BC%81%E4%B8%9A0042",  # 企业0042
    }
    figures = {}
    for name, url in pages.items():

        def get(url=url):
            assert client.get(url).status_code == 200, url

        _p50, p95 = timed(get, rounds=max(10, ROUNDS // 2), percentiles=(0.5, 0.95))
        with CaptureQueriesContext(connection) as queries:
            get()
        figures[f"{name}_p95_ms"] = p95
        figures[f"{name}_queries"] = len(queries.captured_queries)
    figures["supervision_items"] = ActionItem.objects.count()
    return figures


def _sessions(drc) -> dict:
    """Twenty DRC sessions, and sixteen lead units' sessions each with a draft of this month
    to autosave (the mix of bench/load.py)."""
    from reporting.periods import services as periods
    from reporting.updates import services as updates
    from reporting.updates.selectors import lead_pairs

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    today = periods.today()
    periods.periods_ensure(today)
    period = periods.period_get_or_create(today.year, today.month)
    leads, users = [], {}
    for industry, unit in lead_pairs()[:16]:
        user = users.get(unit.pk)
        if user is None:
            user = users[unit.pk] = User.objects.filter(
                username=f"bench-{unit.code}"
            ).first() or User.objects.create_user(
                f"bench-{unit.code}", password="bench-password-1234", unit=unit
            )
        draft = updates.update_start(industry=industry, unit=unit, period=period, user=user)
        leads.append([session(user), draft.pk])
    return {"drc": [session(drc) for _ in range(20)], "leads": leads}


def _cold(client, timed) -> dict:
    """The dashboard cold: Redis emptied (sessions, versions, parts, page), the page read from
    the database's layer of the pages' cache (portal.cache.LayeredCache). And uncached: both
    layers emptied, every part computed and the page rendered."""

    def cold():
        cache.clear()
        assert client.get("/dashboard/").status_code == 200

    def uncached():
        caches["pages"].clear()
        assert client.get("/dashboard/").status_code == 200

    figures = {}
    for name, fault in (("cold", cold), ("uncached", uncached)):
        _p50, p95 = timed(fault, percentiles=(0.5, 0.95))
        with CaptureQueriesContext(connection) as queries:
            fault()
        figures[f"dashboard_{name}_p95_ms"] = p95
        figures[f"dashboard_{name}_queries"] = len(queries.captured_queries)

    # The usual first view after a write: a lead unit's submission bumps its month's reporting
    # and its industry's problems (reporting.updates.services), the rest stays cached.
    from reporting.periods.services import today
    from reporting.updates.selectors import default_review_period

    period = default_review_period(today())
    industries = list(Industry.objects.order_by("pk"))
    turn = {"n": 0}

    def after_submission():
        industry = industries[turn["n"] % len(industries)]
        turn["n"] += 1
        dataversion.bump_now(
            dataversion.topics.reporting(period.pk, industry.pk),
            dataversion.topics.problems(industry.pk),
        )
        assert client.get("/dashboard/").status_code == 200

    _p50, p95 = timed(after_submission, percentiles=(0.5, 0.95))
    with CaptureQueriesContext(connection) as queries:
        after_submission()
    figures["dashboard_after_submission_p95_ms"] = p95
    figures["dashboard_after_submission_queries"] = len(queries.captured_queries)
    return figures


def due_page(timed) -> dict:
    """My work of 市工信局 (four industries) on whatever years the database holds: as a visit
    finds it (cached under what it shows), and computed after a write it shows (another
    unit's submission, say: topics.WORK raised)."""
    unit = Unit.objects.get(name="市工信局")
    user = User.objects.filter(username=f"bench-{unit.code}").first() or User.objects.create_user(
        f"bench-{unit.code}", password="bench-password-1234", unit=unit
    )
    client = Client()
    client.force_login(user)

    def get():
        assert client.get("/updates/").status_code == 200

    _p50, p95 = timed(get, percentiles=(0.5, 0.95))
    with CaptureQueriesContext(connection) as queries:
        get()

    def write():  # another unit's write My work shows (not timed)
        dataversion.bump_now(dataversion.topics.WORK)

    _c50, computed_p95 = timed(get, percentiles=(0.5, 0.95), before=write)
    write()
    with CaptureQueriesContext(connection) as computed:
        get()
    return {
        "p95": p95,
        "queries": len(queries.captured_queries),
        "computed_p95": computed_p95,
        "computed_queries": len(computed.captured_queries),
    }


def generated(years: int) -> None:
    """The bench data for `years`, with the planner's statistics of it: a database that has
    served for years has been analysed by autovacuum, one just filled has not (its plans for
    the dashboard's joins were slower, unlike any in service)."""
    call_command("generate_bench_data", years=years, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(timed) -> dict:
    generated(10)
    drc = User(username="bench-drc", role=Role.DRC, unit=Unit.objects.get(name="市发改委"))
    drc.set_password("bench-password-1234")
    drc.save()
    client = Client()
    client.force_login(drc)

    def dashboard():
        assert client.get("/dashboard/").status_code == 200

    def trivial():
        assert client.get("/healthz").status_code == 200

    def base_page():  # the lightest page with the portal's frame: session, user, menu
        assert client.get("/accounts/password/").status_code == 200

    p50, p95 = timed(dashboard, percentiles=(0.5, 0.95))
    _t50, trivial_p95 = timed(trivial, percentiles=(0.5, 0.95))
    _b50, base_p95 = timed(base_page, percentiles=(0.5, 0.95))
    with CaptureQueriesContext(connection) as queries:
        dashboard()
    figures = {
        "dashboard_p50_ms": p50,
        "dashboard_p95_ms": p95,
        "dashboard_queries": len(queries.captured_queries),
        "trivial_p95_ms": trivial_p95,
        "base_page_p95_ms": base_p95,
    }
    figures.update(_cold(client, timed))
    due = due_page(timed)
    figures.update(
        {
            "due_page_p95_ms": due["p95"],
            "due_page_queries": due["queries"],
            "due_page_computed_p95_ms": due["computed_p95"],
            "due_page_computed_queries": due["computed_queries"],
        }
    )
    figures.update(_register_pages(client, timed))
    figures.update(_supervision_pages(client, timed))
    from bench import reports

    figures.update(reports.run())
    if connection.vendor == "postgresql" and os.environ.get("REDIS_URL"):
        # The load server runs in its own processes; the data is committed (autocommit). It
        # shares Redis with this process (without it each worker would cache on its own).
        from bench import load

        figures.update(load.run(_sessions(drc)))
    return figures
