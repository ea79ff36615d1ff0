"""Error responses: what the user sees and what the log records."""

import logging

from django.urls import reverse


def test_a_403_is_logged_in_one_line_without_a_traceback(client, users, caplog):
    client.force_login(users["siming"])  # a district leads no industry: no dashboard
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    records = [r for r in caplog.records if "/dashboard/" in r.getMessage()]
    assert len(records) == 1
    (record,) = records
    assert record.exc_info is None and record.levelno == logging.WARNING
    message = record.getMessage()
    assert "\n" not in message
    assert "403 GET /dashboard/" in message and "siming" in message  # which path, who
    assert "no permission" in message  # why


def test_a_statement_timeout_is_a_500_not_the_outage_page(postgres, db, rf):
    """Only a lost or refused connection reads as 服务暂时不可用 (503); a query the database
    refused (here a statement timeout) is a fault of the request and stays a 500, so that it
    is seen and fixed."""
    from django.db import OperationalError, connection

    from portal.errors import server_error

    try:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(1)")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务暂时不可用" not in response.content.decode()
