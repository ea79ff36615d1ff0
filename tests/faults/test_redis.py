"""Redis down (refused) or hung (SIGSTOPped), for the cache and the broker at once: every page
answers 200, a lead unit's save and submit complete with their outbox row, the dashboard is
computed without the cache, nothing waits much longer than the socket timeouts, and once Redis
is back the dashboard shows no number from before the outage."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from reporting.choices import JobStatus, UpdateStatus
from reporting.models import MonthlyUpdate, OutboxMessage, ReportJob
from tests.faults.conftest import TIMEOUT
from tests.reporting.test_outbox import finishes, submit

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# A request may meet each dead service once: the cache, then the broker (which tries twice).
BOUND = 4 * TIMEOUT + 1


def timed(function):
    started = time.monotonic()
    result = finishes(function, seconds=30)
    return result, time.monotonic() - started


def received(client, september) -> str:
    page = client.get(reverse("dashboard"), {"month": september.slug})
    assert page.status_code == 200
    html = page.content.decode()
    return html[html.index("已报 <strong>") :][:30]


@pytest.mark.parametrize("outage", ["refused", "frozen"])
def test_with_redis_down_every_page_answers_and_a_submission_is_kept(
    outage, services_on, client, electronics_update, users, september
):
    redis_server = services_on
    drc = client.__class__()
    drc.force_login(users["drc"])
    before = received(drc, september)  # the dashboard is cached now, under the data version
    assert "已报 <strong>0</strong>" in before
    queued = ReportJob.objects.create(kind="monthly", period="2025-09", message="排队等待处理")
    ReportJob.objects.filter(pk=queued.pk).update(
        requested_at=timezone.now() - timezone.timedelta(minutes=1)
    )
    client.force_login(users["gxj"])
    due, edit = reverse("reporting:due"), reverse("reporting:edit", args=[electronics_update.pk])
    assert edit in client.get(due).content.decode()  # My work is cached now: a draft to continue

    redis_server.kill() if outage == "refused" else redis_server.freeze()
    try:
        response, seconds = timed(lambda: submit(client, electronics_update))
        assert response.status_code == 302, response.content.decode()[:500]
        assert seconds < BOUND, f"save and submit took {seconds:.1f} s"
        update = MonthlyUpdate.objects.get(pk=electronics_update.pk)
        assert update.status == UpdateStatus.SUBMITTED
        assert update.progress_policy == "兑现扶持资金1.2亿元。"
        message = OutboxMessage.objects.get(task="reporting.notify_submitted")
        assert message.processed_at is None and message.last_error  # waits for the relay

        pages = {
            client: [
                reverse("home"),
                reverse("reporting:due"),
                reverse("reporting:update", args=[update.pk]),
                reverse("reporting:plans"),
                reverse("accounts:notifications"),
            ],
            drc: [
                reverse("dashboard") + f"?month={september.slug}",
                reverse("dashboard") + f"?month={september.slug}&format=xlsx",
                reverse("reporting:review_queue"),
                reverse("reports:archive"),
                reverse("reports:job", args=[queued.pk]),
                reverse("reports:job_status", args=[queued.pk]),
            ],
        }
        for who, urls in pages.items():
            for url in urls:
                page, seconds = timed(lambda who=who, url=url: who.get(url))
                assert page.status_code == 200, url
                assert seconds < BOUND, f"{url} took {seconds:.1f} s"
        # Computed without the cache: the submission counts at once.
        assert "已报 <strong>1</strong>" in received(drc, september)
        # Asking for a report with the broker down says so and writes nothing.
        asked, seconds = timed(
            lambda: drc.post(reverse("reports:generate"), {"kind": "monthly", "period": "2025-8"})
        )
        assert asked.status_code == 302 and seconds < BOUND
        assert ReportJob.objects.get(period="2025-08").status == JobStatus.FAILED
    finally:
        redis_server.start() if outage == "refused" else redis_server.thaw()

    cache.check()  # Redis answers again: end the pause the cache takes after a failure
    # My work too: the submission made while Redis was down is no longer a draft to continue.
    for _ in range(2):  # computed, then from the cache
        assert edit not in client.get(due).content.decode()
    # Back: the number cached before the outage is not served again.
    assert "已报 <strong>1</strong>" in received(drc, september)
    assert "已报 <strong>1</strong>" in received(drc, september)  # ... nor later, from the cache


@pytest.mark.parametrize("outage", ["refused", "frozen"])
def test_readiness_names_the_cache_when_redis_is_down(outage, services_on, client):
    redis_server = services_on
    assert client.get(reverse("readyz")).content == b"ready"
    redis_server.kill() if outage == "refused" else redis_server.freeze()
    try:
        response, seconds = timed(lambda: client.get(reverse("readyz")))
        assert response.status_code == 503 and seconds < BOUND
        assert response.content.decode().startswith("cache: unreachable")
        assert client.get(reverse("healthz")).status_code == 200
    finally:
        redis_server.start() if outage == "refused" else redis_server.thaw()
    assert client.get(reverse("readyz")).status_code == 200


def test_the_admin_import_previews_and_confirms_with_redis_down(services_on, client, users):
    import re

    from chains.matrix.selectors import matrix_rows
    from tests.chains.test_admin_import import HEADER, upload

    client.force_login(users["admin"])
    services_on.kill()
    # The upload is kept between preview and confirm: not in the cache, which forgets it.
    preview = upload(
        client, HEADER + "pillar,电子信息产业集群,黄晓舟,市工信局,市发改委、市科技局\n"
    )
    assert preview.status_code == 200
    form = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', preview.content.decode())
    )
    assert client.post(reverse("admin:chains_industry_process_import"), form).status_code == 302
    row = next(r for r in matrix_rows() if r["industry"] == "电子信息产业集群")
    assert row["responsible_units"] == ["市发改委", "市科技局"]


def test_a_logout_while_redis_hangs_ends_the_session_once_it_answers(services_on, client, users):
    """The session is read from the cache (portal.sessions): a logout that could not delete
    its cache entry must not leave a copied cookie signed in once Redis answers again."""
    redis_server = services_on
    due = reverse("reporting:due")
    client.force_login(users["gxj"])
    assert client.get(due).status_code == 200  # the session is in Redis now
    cookie = client.cookies["sessionid"].value
    redis_server.freeze()
    try:
        response, seconds = timed(lambda: client.post(reverse("accounts:logout")))
        assert response.status_code == 302 and seconds < BOUND
    finally:
        redis_server.thaw()
    cache.check()  # Redis answers again: end the pause the cache takes after a failure
    copied = client.__class__()
    copied.cookies["sessionid"] = cookie
    response = copied.get(due)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
