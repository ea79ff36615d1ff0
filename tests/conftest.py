import datetime
import os
import shutil
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from accounts.choices import Role
from accounts.models import User
from chains.models import Official, Unit
from tests import matrix_snapshot

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _moment(day: datetime.date | datetime.datetime) -> datetime.datetime:
    """A day means 10:00 that day in Shanghai: mid-morning, far from either midnight."""
    if isinstance(day, datetime.datetime):
        return day if day.tzinfo else day.replace(tzinfo=SHANGHAI)
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI)


def pytest_addoption(parser):
    parser.addoption(
        "--portal-date",
        default=os.environ.get("PORTAL_TEST_DATE", ""),
        help="Run the whole suite with the process clock moved to this day (YYYY-MM-DD, "
        "10:00 Asia/Shanghai); default: $PORTAL_TEST_DATE, or the real clock.",
    )


def pytest_report_header(config):
    if day := config.getoption("portal_date"):
        return (
            f"tests at {day} 10:00 Asia/Shanghai (the whole process clock is moved); "
            "tests that set their own day (the clock fixture) are left out"
        )


def pytest_collection_modifyitems(config, items):
    """At a moved date, leave out the tests that set their own day with `clock`: the date cannot
    change what they see, and the run stays short enough to repeat at several dates."""
    if not config.getoption("portal_date"):
        return
    pinned = [item for item in items if "clock" in getattr(item, "fixturenames", ())]
    if pinned:
        config.hook.pytest_deselected(items=pinned)
        left = set(map(id, pinned))
        items[:] = [item for item in items if id(item) not in left]


@pytest.fixture(scope="session", autouse=True)
def portal_date(request):
    """PORTAL_TEST_DATE / --portal-date: the suite must hold on any day, not only today. The
    whole process (server threads included) sees that day; the clock keeps ticking."""
    day = request.config.getoption("portal_date")
    if not day:
        yield None
        return
    with time_machine.travel(_moment(datetime.date.fromisoformat(day)), tick=True):
        yield day


# The `clock` fixture's day.
CLOCK_DAY = datetime.date(2025, 10, 9)


class Clock:
    """The portal's clock, set by a test: time-machine moves the whole process (every
    timezone.now() and localdate(), server threads included), never one helper."""

    def __init__(self, day: datetime.date):
        self._traveller = time_machine.travel(_moment(day), tick=True)
        self._coordinates = self._traveller.start()
        self.day = day

    def set(self, day: datetime.date | datetime.datetime) -> None:
        self.day = day
        self._coordinates.move_to(_moment(day), tick=True)

    def stop(self) -> None:
        self._traveller.stop()


@pytest.fixture
def clock():
    """The clock at 10:00 on 9 October 2025 (Shanghai); `clock.set(day)` moves it."""
    moved = Clock(CLOCK_DAY)
    yield moved
    moved.stop()


# `make mutation` runs the tests once per mutant: each run copies a SQLite database migrated
# once (PORTAL_TEST_DB_TEMPLATE) instead of migrating a new one, which would take longer than
# the tests themselves.
if DB_TEMPLATE := os.environ.get("PORTAL_TEST_DB_TEMPLATE"):

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker, tmp_path_factory):
        from django.db import connections

        copy = tmp_path_factory.mktemp("db") / "test.sqlite3"
        shutil.copyfile(DB_TEMPLATE, copy)
        with django_db_blocker.unblock():
            connections["default"].close()
        connections["default"].settings_dict["NAME"] = str(copy)
        settings.DATABASES["default"]["NAME"] = str(copy)


def require_service(name: str, available: bool) -> None:
    """Skip a test that needs a real service when it is missing, except in CI, where a
    missing service is a failure: CI must run every test."""
    if available:
        return
    message = f"{name} is not configured for this run"
    if IN_CI:
        pytest.fail(f"{message}, but CI=true: .ci/run must provide it")
    pytest.skip(message)


@pytest.fixture(autouse=True, scope="session")
def versions_commit_at_once():
    """portal.dataversion for tests: a test (and a module's world) writes in a transaction that
    never commits, so every topic it raised would stay pending and its pages would be computed
    uncached. Here a raise counts as committed at once, from the session's start (before any
    module's world is built); test_dashboard's test of pending topics keeps the real rule."""
    from portal import dataversion

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dataversion, "_mark_pending", lambda names: None)
        yield


@pytest.fixture(autouse=True)
def empty_cache(request, django_db_blocker):
    """Each test starts with an empty cache (Redis in CI outlives a test's database). The
    pages' database layer is rolled back with a test's transaction; a test that commits
    empties it at its end (Django's flush leaves the cache table alone)."""
    from django.core.cache import cache, caches

    cache.clear()
    yield
    marker = request.node.get_closest_marker("django_db")
    commits = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if commits:
        with django_db_blocker.unblock():
            caches["pages_db"].clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads made by a test go to its own temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def redis_url():
    require_service("Redis (REDIS_URL)", bool(settings.REDIS_URL))
    return settings.REDIS_URL


@pytest.fixture
def postgres():
    require_service("PostgreSQL (DATABASE_URL)", connection.vendor == "postgresql")


@pytest.fixture
def matrix(db):
    """The full matrix from the fixture, with object permissions synced."""
    report = matrix_snapshot.load()
    assert not report.errors
    return report


@pytest.fixture
def make_user(db):
    def make(
        username: str,
        *,
        role=Role.UNIT_STAFF,
        unit: str | None = None,
        official: str | None = None,
        **extra,
    ):
        user = User(
            username=username,
            role=role,
            unit=Unit.objects.get(name=unit) if unit else None,
            official=Official.objects.get(name=official) if official else None,
            **extra,
        )
        user.set_password("a-long-test-password")
        user.save()
        return user

    return make


@pytest.fixture
def users(matrix, make_user):
    """One user per role that the permission tests talk about."""
    return {
        "gxj": make_user("gxj", unit="市工信局"),
        "swj": make_user("swj", unit="市商务局"),
        "kjj": make_user("kjj", unit="市科技局"),
        "siming": make_user("siming", unit="思明区"),
        "hyj": make_user("hyj", unit="市海洋局"),
        "drc": make_user("drc", role=Role.DRC, unit="市发改委"),
        "stats": make_user("stats", role=Role.STATISTICS, unit="市统计局"),
        "leader_huang_yt": make_user("hyt", role=Role.LEADER, official="黄燕添"),
        "admin": make_user("root", role=Role.ADMIN, is_staff=True, is_superuser=True),
    }
