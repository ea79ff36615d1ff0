"""The fault suite's tools: a Redis server of the test's own (refused = killed, hung =
SIGSTOPped) that both the Django cache and the Celery broker use, with short socket timeouts."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis

from tests.celery_helpers import broker
from tests.conftest import require_service
from tests.reporting.conftest import (  # noqa: F401  (fixtures shared with tests/reporting)
    accepted,
    electronics_update,
    figures,
    filled,
    indicators,
    september,
)

# Short socket timeouts: the suite waits on each dead or hung service, so it stays quick.
TIMEOUT = 0.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server on a free port, started and stopped by the test."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_timeout=1)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def kill(self) -> None:
        """Redis down: nothing listens on the port any more (connections are refused)."""
        self.process.kill()
        self.process.wait(5)

    def freeze(self) -> None:
        """Redis hung: the port accepts connections and nothing ever answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(5)


@pytest.fixture
def redis_server(tmp_path):
    require_service("redis-server", shutil.which("redis-server") is not None)
    server = RedisServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def services_on(redis_server, settings):
    """The Django cache and the Celery broker both on the test's own Redis, as in production
    (one REDIS_URL), with short socket timeouts."""
    require_service("Redis (REDIS_URL)", bool(settings.REDIS_URL))  # the production cache
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
        },
        "pages_db": settings.CACHES["pages_db"],
        "pages": settings.CACHES["pages"],
    }
    with broker(redis_server.url) as app:
        saved = (app.conf.broker_connection_timeout, app.conf.broker_transport_options)
        app.conf.broker_connection_timeout = TIMEOUT
        app.conf.broker_transport_options = {
            **saved[1],
            "socket_connect_timeout": TIMEOUT,
            "socket_timeout": TIMEOUT,
        }
        try:
            yield redis_server
        finally:
            app.conf.broker_connection_timeout, app.conf.broker_transport_options = saved
