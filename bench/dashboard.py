"""The dashboard on ten years of data: server time and queries next to a trivial view, and —
on PostgreSQL, where a separate server process can share the database — throughput under 20
concurrent clients, measured with a small threaded load generator on loopback."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from accounts.models import User
from chains.models import Unit

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(url: str, cookie: str, seconds: float = 8.0, clients: int = 20) -> float:
    """Requests per second that `clients` threads get through in `seconds` (bounded)."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(i):
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        while time.perf_counter() < stop:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                if response.status == 200:
                    done[i] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 35)
    return sum(done) / (time.perf_counter() - start)


def _throughput(cookie: str) -> dict:
    port = _free_port()
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}:{settings.get('PASSWORD') or ''}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        return {
            "dashboard_rps_c20": _load(f"http://127.0.0.1:{port}/dashboard/", cookie),
            "trivial_rps_c20": _load(f"http://127.0.0.1:{port}/healthz", cookie),
        }
    finally:
        server.terminate()
        server.wait(20)


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


def run(timed) -> dict:
    call_command("generate_bench_data", years=10, verbosity=0)
    drc = User(username="bench-drc", role=Role.DRC, unit=Unit.objects.get(name="市发改委"))
    drc.set_password("bench-password-1234")
    drc.save()
    client = Client()
    client.force_login(drc)

    def dashboard():
        assert client.get("/dashboard/").status_code == 200

    def trivial():
        assert client.get("/healthz").status_code == 200

    p50, p95 = timed(dashboard, percentiles=(0.5, 0.95))
    _t50, trivial_p95 = timed(trivial, percentiles=(0.5, 0.95))
    with CaptureQueriesContext(connection) as queries:
        dashboard()
    figures = {
        "dashboard_p50_ms": p50,
        "dashboard_p95_ms": p95,
        "dashboard_queries": len(queries.captured_queries),
        "trivial_p95_ms": trivial_p95,
    }
    figures.update(_register_pages(client, timed))
    figures.update(_supervision_pages(client, timed))
    from bench import reports

    figures.update(reports.run())
    if connection.vendor == "postgresql":
        # The load server runs in its own processes; the data is committed (autocommit).
        figures.update(_throughput(f"sessionid={client.cookies['sessionid'].value}"))
    return figures
