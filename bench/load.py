"""Load measured with Locust, as a city would meet it: gunicorn with four workers on the bench's
PostgreSQL database and Redis (each worker keeping its database connection, as in production),
and Locust headless in a process of its own (bench/locustfile.py), 20 users with no think time,
on this same machine (so the load generator competes with the server for the cores, as it says
in the figures' names: c20).

Runs: the logged-in /healthz (the floor), the anonymous /healthz, the warm dashboard, and the
dashboard inside a mix of 16 lead units autosaving and 4 DRC staff reading; and the same two for
the lightest page with the portal's frame (the password form), the ceiling of any page its view
makes (the dashboard sent whole from the cache runs no view)."""

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "20"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve():
    """gunicorn on the bench database (its data is committed); yields its base URL."""
    port = _free_port()
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings.get('PASSWORD') or ''}@"
        f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Each worker keeps its database connection, as in production (portal/settings/
        # production.py): with the test settings' default (0) every request opened one, and
        # a page that reads the database paid for the connection more than for its queries.
        "CONN_MAX_AGE": "60",
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
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(20)


def locust(base: str, classes: list[str], sessions: dict, users: int = 20) -> dict[str, dict]:
    """Run the Locust users `classes` headless for SECONDS; per request name: requests per
    second, p50 and p95 in ms, and failures."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / "run")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{SECONDS}s",
                "--host",
                base,
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
                *classes,
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_SESSIONS": json.dumps(sessions)},
            check=True,
            capture_output=True,
        )
        with open(f"{prefix}_stats.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
    return {
        row["Name"]: {
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "failures": int(row["Failure Count"]),
            "requests": int(row["Request Count"]),
        }
        for row in rows
        if row["Name"] != "Aggregated"
    }


def run(sessions: dict) -> dict:
    """The six runs; every request must succeed."""
    with serve() as base:
        runs = {
            "floor": locust(base, ["FloorUser"], sessions)["floor"],
            "anonymous": locust(base, ["AnonymousUser"], sessions)["anonymous"],
            "dashboard": locust(base, ["ReaderUser"], sessions)["dashboard"],
            "base page": locust(base, ["BasePageUser"], sessions)["base page"],
        }
        mix = locust(base, ["MixReaderUser", "LeadUser"], sessions)
        base_mix = locust(base, ["MixBasePageUser", "LeadUser"], sessions)
    mixes = {f"mix {k}": v for k, v in mix.items()}
    mixes.update({f"base mix {k}": v for k, v in base_mix.items()})
    for name, stats in {**runs, **mixes}.items():
        assert stats["failures"] == 0, (name, stats)
    return {
        "floor_rps_logged_in": runs["floor"]["rps"],
        "healthz_rps_anonymous": runs["anonymous"]["rps"],
        "floor_vs_anonymous": runs["floor"]["rps"] / runs["anonymous"]["rps"],
        "dashboard_rps_c20": runs["dashboard"]["rps"],
        "dashboard_c20_p95_ms": runs["dashboard"]["p95"],
        "dashboard_vs_floor": runs["dashboard"]["rps"] / runs["floor"]["rps"],
        "dashboard_mix_p95_ms": mix["dashboard"]["p95"],
        "dashboard_mix_rps": mix["dashboard"]["rps"],
        "autosave_mix_p95_ms": mix["autosave"]["p95"],
        "autosave_mix_rps": mix["autosave"]["rps"],
        "base_page_rps_c20": runs["base page"]["rps"],
        "base_page_vs_floor": runs["base page"]["rps"] / runs["floor"]["rps"],
        "base_page_mix_p95_ms": base_mix["base page"]["p95"],
    }
