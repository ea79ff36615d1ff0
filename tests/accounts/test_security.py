import datetime
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from chains.matrix.demo import DEMO_PASSWORD


def login(client, username, password, ip="10.1.1.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_and_logout(users, client):
    response = login(client, "gxj", "a-long-test-password")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_gets_a_clear_message(users, client):
    html = login(client, "gxj", "wrong").content.decode()
    assert "用户名或密码" in html


def test_lockout_is_per_username_and_ip_and_lifts(users, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "gxj", "wrong")
    locked = login(client, "gxj", "a-long-test-password")
    assert locked.status_code == 429
    # A colleague behind the same NAT is not locked out ...
    assert login(client, "swj", "a-long-test-password").status_code == 302
    # ... nor is the same user from another address.
    client.logout()
    assert login(client, "gxj", "a-long-test-password", ip="10.1.1.2").status_code == 302
    assert settings.AXES_COOLOFF_TIME is not None  # the lock lifts by itself
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_password_needs_twelve_characters(db):
    with pytest.raises(ValidationError):
        validate_password("Short-pw-1")
    validate_password("a-sound-pass-phrase-2026")


def test_idle_sessions_expire_and_pages_do_not_write_the_session(users, client):
    """The idle timeout holds (to within the minute between writes), a user at work stays
    signed in, and a page within the minute writes nothing to the session."""
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
    home = reverse("reporting:due")

    def session_writes(response_of):
        with CaptureQueriesContext(connection) as queries:
            assert response_of().status_code == 200
        return [
            q["sql"]
            for q in queries.captured_queries
            if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
        ]

    with time_machine.travel(start, tick=False) as clock:
        client.force_login(users["gxj"])
        client.get(home)  # the login stamped the session: this page writes nothing either
        clock.shift(20)
        assert session_writes(lambda: client.get(home)) == []  # within the minute: no write
        clock.shift(50)
        assert session_writes(lambda: client.get(home)) != []  # a minute on: expiry pushed on
        for _ in range(6):  # at work for an hour and a half, a page every quarter hour
            clock.shift(15 * 60)
            assert client.get(home).status_code == 200
        clock.shift(29 * 60)
        assert client.get(home).status_code == 200  # idle 29 minutes: still signed in
        clock.shift(31 * 60)
        response = client.get(home)  # idle 31 minutes: signed out
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_logged_in_health_check_reads_nothing_from_the_database(users, client):
    """The floor every page is measured against (issue 20): /healthz neither loads the user
    (a public view) nor reads the session row (sessions are read from the cache)."""
    client.force_login(users["gxj"])
    client.get(reverse("reporting:due"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("healthz")).status_code == 200
    assert queries.captured_queries == []
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reporting:due"))
    assert page.status_code == 200 and page.context["user"] == users["gxj"]  # signed in
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def test_csp_header_is_sent(users, client):
    client.force_login(users["gxj"])
    header = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in header and "script-src 'self'" in header


def test_check_deploy_with_production_settings_is_clean():
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_seed_demo_refuses_with_debug_off(matrix, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(is_demo=True).exists()


def test_seed_demo_creates_one_account_per_unit_official_and_role_and_leaves_real_ones_alone(
    matrix, settings, client, make_user
):
    # A real account holding a demo username (市商务局's code) before the demo is seeded.
    real = make_user("swj", unit="市工信局")
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    demo = User.objects.filter(is_demo=True)
    assert demo.count() == 29 + 5 + 1 + 1  # units, officials, 市主要领导, the administrator
    # 市商务局's demo account takes another name: its own is the real account's
    assert demo.get(username="swj-demo").unit.name == "市商务局"
    assert demo.get(username="fgw").role == "drc"
    assert demo.get(username="zsb").role == "investment"
    assert demo.get(username="zhuyao").role == "main_leader"
    assert demo.get(username="tjj").role == "statistics"
    assert demo.get(username="huangyantian").role == "leader"
    assert demo.get(username="admin").is_superuser
    assert login(client, "gxj", DEMO_PASSWORD).status_code == 302
    real.refresh_from_db()
    assert real.unit.name == "市工信局" and not real.is_demo
    assert real.check_password("a-long-test-password")
    # The demo acts through its own accounts, never the real one of a unit it files for.
    from reporting.models import ActionEvent, PlanEvent, UpdateEvent

    for events in (UpdateEvent, PlanEvent, ActionEvent):
        assert events.objects.exists() and not events.objects.filter(actor=real).exists()


def test_createsuperuser_makes_an_administrator(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-password-2026")
    call_command("createsuperuser", interactive=False, username="chief", email="chief@xm.gov.cn")
    chief = User.objects.get(username="chief")
    assert chief.is_superuser and chief.role == "admin" and chief.unit is None


def test_a_login_without_a_request_stamps_nothing():
    """django.contrib.auth.login from a script or a test has no request, or one without a
    session: the stamp is skipped, never an error."""
    from django.test import RequestFactory

    from portal.middleware import touch_on_login

    touch_on_login(sender=User, request=None, user=None)
    bare = RequestFactory().get("/")
    touch_on_login(sender=User, request=bare, user=None)
    assert not hasattr(bare, "session")
