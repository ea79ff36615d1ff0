"""A submission survives a broker outage: it is saved, the user sees success, and the
follow-up work waits in the outbox until a real worker on a real Redis does it."""

import contextlib
import socket
import threading
import time

import pytest
from django.db import connections
from django.urls import reverse

from accounts.models import Notification
from reporting.choices import UpdateStatus
from reporting.models import MonthlyUpdate, OutboxMessage
from reporting.outbox import services as outbox
from tests.celery_helpers import broker, real_worker
from tests.reporting.test_views import form_data


@contextlib.contextmanager
def hung_server():
    """A TCP server that accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        server.close()


def submit(client, update):
    return client.post(
        reverse("reporting:edit", args=[update.pk]), {**form_data(update), "submit": "1"}
    )


def finishes(function, seconds=60):
    """Run function in a thread; a liveness guard so a hang fails the test instead of CI."""
    result = {}

    def run():
        try:
            result["value"] = function()
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the request hung on the broker"
    return result["value"]


def assert_saved_and_waiting(update):
    stored = MonthlyUpdate.objects.get(pk=update.pk)
    assert stored.status == UpdateStatus.SUBMITTED
    message = OutboxMessage.objects.get(task="reporting.notify_submitted")
    assert message.dispatched_at is None and message.processed_at is None
    assert message.attempts == 1 and message.last_error
    return message


@pytest.mark.django_db(transaction=True)
def test_submission_is_saved_while_the_broker_is_unreachable(client, electronics_update, users):
    client.force_login(users["gxj"])
    with broker("redis://127.0.0.1:1/0"):  # nothing listens there
        response = finishes(lambda: submit(client, electronics_update))
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:update", args=[electronics_update.pk])
    assert_saved_and_waiting(electronics_update)


@pytest.mark.django_db(transaction=True)
def test_submission_is_saved_while_the_broker_hangs(client, electronics_update, users):
    client.force_login(users["gxj"])
    with hung_server() as port, broker(f"redis://127.0.0.1:{port}/0"):
        response = finishes(lambda: submit(client, electronics_update))
    assert response.status_code == 302
    assert_saved_and_waiting(electronics_update)


@pytest.mark.django_db(transaction=True)
def test_relay_hands_waiting_work_to_a_real_worker(redis_url, client, electronics_update, users):
    client.force_login(users["gxj"])
    with broker("redis://127.0.0.1:1/0"):
        assert submit(client, electronics_update).status_code == 302
    message = assert_saved_and_waiting(electronics_update)
    with real_worker(redis_url):
        assert outbox.relay() == 1
        for _ in range(100):
            message.refresh_from_db()
            if message.processed_at:
                break
            time.sleep(0.1)
    assert message.processed_at is not None
    assert (
        Notification.objects.filter(user=users["drc"], text__contains="电子信息产业集群").count()
        == 1
    )
    # Relaying again sends nothing: the work is done exactly once.
    assert outbox.relay() == 0
