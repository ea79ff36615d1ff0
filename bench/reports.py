"""The DRC's reports on ten years of data: seconds for the monthly and the annual report (the
task's whole path: gather, render, store), next to WeasyPrint rendering the same finished HTML
alone (the floor), and the peak memory.

On PostgreSQL each report is built in a fresh child process reading the same test database, so
its peak resident memory (ru_maxrss) is the report's own; on SQLite's in-memory test database
a child cannot see the data, so the builds run in-process and the peak is what tracemalloc sees
of Python's allocations."""

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def build(kind: str, period: str) -> dict:
    """Build one report as the Celery task does, then render its finished HTML again alone."""
    from reporting.models import ReportJob
    from reporting.reports import gather, render, services

    # Warm up both paths alike (fonts, templates): the timings compare the work, not the start.
    render.report_pdf(render.report_html(gather.gather("monthly", 2000, 1)))
    start = time.perf_counter()
    period_ = services.parse_period(kind, period)
    gather.gather(period_.kind, period_.year, period_.number)
    gather_only = time.perf_counter() - start
    job = ReportJob.objects.create(kind=kind, period=period)
    start = time.perf_counter()
    report = services.job_run(job.pk)
    seconds = time.perf_counter() - start
    html = services.report_html(report)
    start = time.perf_counter()
    pdf = render.report_pdf(html)
    render_only = time.perf_counter() - start
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1)) if "Pages:" in info else 0
    return {
        "seconds": seconds,
        "render_only": render_only,
        "gather_only": gather_only,
        "pages": pages,
    }


def _child(kind: str, period: str) -> dict:
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings.get('PASSWORD') or ''}@"
        f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    env.pop("REDIS_URL", None)  # no broker: nothing is sent anywhere
    result = subprocess.run(
        [sys.executable, "-m", "bench.reports", kind, period],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run() -> dict:
    from reporting.models import MonthlyUpdate

    # The latest month with accepted updates (the dashboard's requests open this month's
    # period, which has none yet: its report would be nearly empty), and the year before it.
    year, month = (
        MonthlyUpdate.objects.filter(status="accepted")
        .order_by("-period__year", "-period__month")
        .values_list("period__year", "period__month")
        .first()
    )
    cases = {"monthly": f"{year}-{month:02d}", "annual": str(year - 1)}
    results = {}
    for kind, period in cases.items():
        if connection.vendor == "postgresql":
            results[kind] = _child(kind, period)
        else:
            tracemalloc.start()
            results[kind] = build(kind, period)
            results[kind]["peak_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
    return {
        "report_monthly_month": year * 100 + month,
        "report_monthly_accepted_updates": MonthlyUpdate.objects.filter(
            status="accepted", period__year=year, period__month=month
        ).count(),
        "report_monthly_s": results["monthly"]["seconds"],
        "report_monthly_render_only_s": results["monthly"]["render_only"],
        "report_monthly_pages": results["monthly"]["pages"],
        "report_monthly_gather_s": results["monthly"]["gather_only"],
        "report_monthly_vs_render": results["monthly"]["seconds"]
        / results["monthly"]["render_only"],
        "report_annual_s": results["annual"]["seconds"],
        "report_annual_render_only_s": results["annual"]["render_only"],
        "report_annual_pages": results["annual"]["pages"],
        "report_annual_gather_s": results["annual"]["gather_only"],
        "report_annual_vs_render": results["annual"]["seconds"] / results["annual"]["render_only"],
        "report_peak_mb": max(r["peak_mb"] for r in results.values()),
    }


if __name__ == "__main__":  # the child: build one report, print its figures as JSON
    import django

    django.setup()
    figures = build(sys.argv[1], sys.argv[2])
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))
