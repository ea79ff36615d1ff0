"""PostgreSQL going away: a connection cut mid-request answers a plain Chinese 503 page (not a
500 traceback), the request's transaction is rolled back and the same request sent again
works; a kept connection cut between requests is replaced without the user noticing; with the
database unreachable, /readyz answers 503 naming it, /healthz still 200, and pages 503.

Requests go through Django's WSGI handler itself, as under gunicorn: unlike the test client it
sends the request signals that close broken and obsolete connections."""

import contextlib
from http.cookies import SimpleCookie

import psycopg2
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client
from django.test.client import RequestFactory
from django.urls import reverse

from reporting.choices import UpdateStatus
from reporting.models import MonthlyUpdate, OutboxMessage, UpdateEvent
from tests.faults.conftest import free_port
from tests.reporting.test_views import form_data

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


class Browser:
    """A browser talking to the portal through the WSGI handler, keeping its cookies."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.cookies = SimpleCookie()

    def request(self, method: str, path: str, data=None):
        factory = RequestFactory()
        cookie = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if method == "post":
            data = {**(data or {}), "csrfmiddlewaretoken": self.cookies["csrftoken"].value}
            environ = factory.post(path, data, HTTP_COOKIE=cookie).environ
        else:
            environ = factory.get(path, data or {}, HTTP_COOKIE=cookie).environ
        status = {}

        def start_response(line, headers):
            status["code"] = int(line.split()[0])
            status["headers"] = headers

        result = self.handler(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()  # sends request_finished, as a WSGI server does
        for name, value in status["headers"]:
            if name.lower() == "set-cookie":
                self.cookies.load(value)
        return status["code"], body.decode()

    def get(self, path, data=None):
        return self.request("get", path, data)

    def post(self, path, data):
        return self.request("post", path, data)


def login(users, username="gxj") -> Browser:
    client = Client()
    client.force_login(users[username])
    browser = Browser()
    browser.cookies.load(client.cookies.output(header="", sep=";").strip())
    return browser


def terminate(pid: int) -> None:
    """Cut a backend off from another connection, waiting until it is gone."""
    params = connection.settings_dict
    other = psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"] or 5432,
    )
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    finally:
        other.close()


@pytest.fixture
def kept_connections():
    """Persistent connections, as in production (CONN_MAX_AGE=60)."""
    connection.close()
    saved = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    yield
    connection.settings_dict["CONN_MAX_AGE"] = saved
    connection.close()


def test_a_connection_cut_mid_request_is_a_503_and_nothing_is_half_saved(
    postgres, kept_connections, electronics_update, users
):
    browser = login(users)
    edit = reverse("reporting:edit", args=[electronics_update.pk])
    code, _ = browser.get(edit)  # a page and a CSRF cookie, as a browser has
    assert code == 200
    events = UpdateEvent.objects.count()

    def cut_when_the_history_is_written(execute, sql, params, many, context):
        # The update row is already changed in this transaction; the connection goes now.
        if sql.startswith('INSERT INTO "reporting_updateevent"'):
            terminate(context["connection"].connection.get_backend_pid())
        return execute(sql, params, many, context)

    data = {**form_data(electronics_update), "submit": "1"}
    with connection.execute_wrapper(cut_when_the_history_is_written):
        code, page = browser.post(edit, data)
    assert code == 503
    assert "服务暂时不可用" in page and "没有保存" in page
    assert "Traceback" not in page
    # Rolled back as a whole: nothing of the save, no submission, no follow-up work.
    update = MonthlyUpdate.objects.get(pk=electronics_update.pk)
    assert update.status == UpdateStatus.DRAFT and update.version == electronics_update.version
    assert update.progress_policy != data["progress_policy"]
    assert UpdateEvent.objects.count() == events and not OutboxMessage.objects.exists()

    # The same form sent again (the browser's back button, then save) works.
    code, _ = browser.post(edit, data)
    assert code == 302
    update.refresh_from_db()
    assert update.status == UpdateStatus.SUBMITTED
    assert update.progress_policy == data["progress_policy"]
    assert OutboxMessage.objects.filter(task="reporting.notify_submitted").count() == 1


def test_a_kept_connection_cut_between_requests_is_replaced_unnoticed(
    postgres, kept_connections, electronics_update, users
):
    browser = login(users)
    page = reverse("reporting:update", args=[electronics_update.pk])
    assert browser.get(page)[0] == 200
    pid = connection.connection.get_backend_pid()  # kept open for the next request (CONN_MAX_AGE)
    terminate(pid)  # e.g. PostgreSQL restarted
    code, _ = browser.get(page)
    assert code == 200
    assert connection.connection.get_backend_pid() != pid


@contextlib.contextmanager
def database_unreachable():
    """The portal's connection settings point at a port where nothing listens."""
    connection.close()
    saved = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = free_port()
    try:
        yield
    finally:
        connection.settings_dict["PORT"] = saved
        connection.close()


def test_with_the_database_down_readiness_fails_and_pages_say_so(postgres, users):
    browser = login(users)
    probe = Browser()  # the container's health check: no cookies, no login
    assert probe.get(reverse("readyz")) == (200, "ready")
    with database_unreachable():
        code, text = probe.get(reverse("readyz"))
        assert code == 503 and text.startswith("database: unreachable")
        assert probe.get(reverse("healthz")) == (200, "ok")  # the process itself is alive
        code, page = browser.get(reverse("home"))
        assert code == 503 and "服务暂时不可用" in page
    # Back: the next request connects again.
    assert probe.get(reverse("readyz")) == (200, "ready")
    assert browser.get(reverse("home"))[0] == 200
