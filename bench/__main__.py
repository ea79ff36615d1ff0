"""`make bench`: server-side timings of the portal's busiest pages on realistic data.

Runs in a throw-away test database (PostgreSQL when DATABASE_URL points at it, SQLite in
memory otherwise), prints a table and writes bench/results.json: a flat object of figure
name to number."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
# Files the benchmarks write (statistics uploads, report PDFs) go to a throw-away folder,
# for this process and the child processes it starts.
import tempfile

os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="chain-portal-bench-")

import warnings

import django

warnings.filterwarnings("ignore", "No directory at")

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RESULTS = Path(__file__).with_name("results.json")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(call, rounds=ROUNDS, percentiles=None, before=None):
    """`call`'s times in ms (median and p95, or the `percentiles` asked); `before` runs ahead
    of each call, untimed."""
    call()  # warm up: caches, the month's period
    samples = []
    for _ in range(rounds):
        if before is not None:
            before()
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    if percentiles:
        return tuple(percentile(samples, p) for p in percentiles)
    return statistics.median(samples), percentile(samples, 0.95)


def in_test_database(phase):
    """Each phase gets a fresh test database, created and dropped around it."""
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command(
            "flush", interactive=False, verbosity=0
        )  # SQLite's in-memory test database lives on
        return phase()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> int:
    from bench import dashboard, scenarios
    from bench import statistics as statistics_bench

    setup_test_environment()
    figures = {}

    def updates_phase():
        data = scenarios.build()
        return scenarios.run_updates(data, timed)

    def one_year_phase():
        # My work on one year of data, against the ten years of the dashboard's phase.
        dashboard.generated(1)
        due = dashboard.due_page(timed)
        return {
            "due_page_1y_p95_ms": due["p95"],
            "due_page_computed_1y_p95_ms": due["computed_p95"],
        }

    figures.update(in_test_database(updates_phase))
    figures.update(in_test_database(statistics_bench.run))
    if os.environ.get("BENCH_SKIP_DASHBOARD") != "1":
        figures.update(in_test_database(one_year_phase))
        figures.update(in_test_database(lambda: dashboard.run(timed)))
        figures["due_page_growth_10y"] = figures["due_page_p95_ms"] / figures["due_page_1y_p95_ms"]
        figures["due_page_computed_growth_10y"] = (
            figures["due_page_computed_p95_ms"] / figures["due_page_computed_1y_p95_ms"]
        )
    figures = {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}
    RESULTS.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    import shutil

    shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)
    print(f"\nChain Portal benchmarks ({connection.vendor}, {ROUNDS} rounds each)")
    print(f"{'figure':<32}{'value':>12}")
    print("-" * 44)
    for name, value in sorted(figures.items()):
        print(f"{name:<32}{value:>12}")
    print(f"\nwritten to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
