"""Error responses: what the user sees and what the log records."""

import logging

from django.urls import reverse


def test_a_403_is_logged_in_one_line_without_a_traceback(client, users, caplog):
    client.force_login(users["swj"])  # a unit's staff: not a reader of the city overview
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    records = [r for r in caplog.records if "/dashboard/" in r.getMessage()]
    assert len(records) == 1
    (record,) = records
    assert record.exc_info is None and record.levelno == logging.WARNING
    message = record.getMessage()
    assert "\n" not in message
    assert "403 GET /dashboard/" in message and "swj" in message  # which path, who
    assert "no permission" in message  # why
