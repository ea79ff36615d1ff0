"""Issue 13, never exercised: the DRC's unlock and reopen on the review page, and an action
item's whole life (progress, extension, grant, close) over HTTP with the test client."""

import datetime

import pytest
from django.urls import reverse

from chains.models import Official, Unit
from reporting.choices import ActionStatus, EventKind, ProblemStatus, UpdateStatus
from reporting.models import ActionEvent, Problem
from reporting.supervision import services as coordination
from reporting.updates import services
from tests.reporting.conftest import content
from tests.reporting.test_views import form_data


def _edit(client, update, **changes):
    update.refresh_from_db()
    return client.post(reverse("reporting:edit", args=[update.pk]), form_data(update, **changes))


def test_the_drc_unlocks_an_accepted_update_with_a_reason(client, accepted, users):
    url = reverse("reporting:review", args=[accepted.pk])
    # Without a reason nothing changes.
    client.force_login(users["drc"])
    assert client.post(url, {"action": "unlock", "reason": " "}).status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == UpdateStatus.ACCEPTED
    # A unit cannot unlock, even the lead unit itself.
    for who in ("gxj", "swj"):
        client.force_login(users[who])
        assert client.post(url, {"action": "unlock", "reason": "想改"}).status_code == 403, who
        accepted.refresh_from_db()
        assert accepted.status == UpdateStatus.ACCEPTED
    # Accepted and locked: the unit's save is refused.
    client.force_login(users["gxj"])
    _edit(client, accepted, suggestions="改前")
    accepted.refresh_from_db()
    assert accepted.suggestions != "改前"

    client.force_login(users["drc"])
    assert client.post(url, {"action": "unlock", "reason": "签约金额口径有误"}).status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == UpdateStatus.RETURNED and accepted.accepted_at is None
    event = accepted.events.order_by("-id").first()
    assert (event.kind, event.actor, event.reason) == (
        EventKind.UNLOCKED,
        users["drc"],
        "签约金额口径有误",
    )
    history = client.get(reverse("reporting:history", args=[accepted.pk])).content.decode()
    assert "签约金额口径有误" in history

    client.force_login(users["gxj"])
    assert _edit(client, accepted, signed_amount="16.00").status_code == 302
    accepted.refresh_from_db()
    assert str(accepted.signed_amount) == "16.00"


def test_the_drc_reopens_a_locked_update_until_a_date(client, filled, users, clock):
    update = filled
    clock.set(update.period.lock_date + datetime.timedelta(days=3))
    assert services.is_locked(update)
    client.force_login(users["gxj"])
    _edit(client, update, suggestions="逾期修改")
    update.refresh_from_db()
    assert update.suggestions != "逾期修改"  # locked: refused

    url = reverse("reporting:review", args=[update.pk])
    until = clock.day + datetime.timedelta(days=7)
    data = {"action": "reopen", "reason": "补报重点项目", "until": until.isoformat()}
    # A unit cannot reopen its own update.
    assert client.post(url, data).status_code == 403
    update.refresh_from_db()
    assert update.reopened_until is None
    # Without a date, nothing changes.
    client.force_login(users["drc"])
    client.post(url, {"action": "reopen", "reason": "补报重点项目"})
    update.refresh_from_db()
    assert update.reopened_until is None

    assert client.post(url, data).status_code == 302
    update.refresh_from_db()
    assert update.reopened_until == until and update.status == UpdateStatus.DRAFT
    event = update.events.order_by("-id").first()
    assert (event.kind, event.actor, event.reason) == (
        EventKind.REOPENED,
        users["drc"],
        "补报重点项目",
    )

    client.force_login(users["gxj"])
    assert _edit(client, update, suggestions="逾期修改").status_code == 302
    update.refresh_from_db()
    assert update.suggestions == "逾期修改"
    # After the date it set, the update is locked again.
    clock.set(until + datetime.timedelta(days=1))
    _edit(client, update, suggestions="再次修改")
    update.refresh_from_db()
    assert update.suggestions == "逾期修改"


@pytest.fixture
def action(users, september, clock):
    from chains.models import Industry

    update = services.update_start(
        industry=Industry.objects.get(code="commerce-logistics"),
        unit=Unit.objects.get(name="市商务局"),
        period=september,
        user=users["swj"],
    )
    update = services.update_save(
        update=update,
        content=services.UpdateContent(
            fields=content().fields,
            problems=[
                {
                    "description": "冷链物流园用地未落实",
                    "type": "land",
                    "concerned": "冷链物流园",
                    "needs_meeting": True,
                }
            ],
        ),
        expected_version=update.version,
        user=users["swj"],
    )
    problem = update.problems.get()
    coordination.problem_escalate(problem=problem, user=users["drc"])
    meeting = coordination.meeting_create(
        industry=update.industry,
        chair=Official.objects.get(name="黄燕添"),
        date=datetime.date(2025, 10, 20),
        units=list(Unit.objects.filter(name__in=["市商务局", "市交通局"])),
        problems=[Problem.objects.get(pk=problem.pk)],
        minutes="研究冷链物流园用地问题。",
        user=users["drc"],
    )
    return coordination.action_create(
        meeting=meeting,
        decision="市商务局两周内提出用地方案",
        unit=Unit.objects.get(name="市商务局"),
        deadline=datetime.date(2025, 11, 3),
        user=users["drc"],
        problem=Problem.objects.get(pk=problem.pk),
    )


def test_an_action_item_from_assigned_to_closed_over_http(client, action, users):
    url = reverse("reporting:action", args=[action.pk])

    def kinds():
        return list(action.events.order_by("id").values_list("kind", flat=True))

    def status():
        action.refresh_from_db()
        return action.status

    # Another unit of the same industry (it may view) cannot take any step of the item.
    client.force_login(users["siming"])
    assert client.get(url).status_code == 200
    for data in (
        {"step": "acknowledge"},
        {"step": "progress", "text": "别人的进展"},
        {"step": "extend", "until": "2025-11-30", "text": "x"},
        {"step": "report", "text": "x"},
        {"step": "contribute", "text": "x"},
        {"step": "accept"},
        {"step": "grant"},
        {"step": "cancel", "text": "x"},
    ):
        assert client.post(url, data).status_code == 403, data
    assert kinds() == ["created"]

    client.force_login(users["swj"])
    client.post(url, {"step": "progress", "text": "未签收先办理"})  # refused: acknowledge first
    assert kinds() == ["created"]
    client.post(url, {"step": "acknowledge"})
    assert status() == ActionStatus.IN_PROGRESS and action.acknowledged_at
    client.post(url, {"step": "progress", "text": "已完成选址比选"})
    progress = ActionEvent.objects.get(action=action, kind="progress")
    assert (progress.text, progress.actor) == ("已完成选址比选", users["swj"])
    # The unit may not grant its own extension.
    client.post(url, {"step": "extend", "until": "2025-11-17", "text": "需省厅批复"})
    action.refresh_from_db()
    assert action.requested_deadline == datetime.date(2025, 11, 17)
    assert action.deadline == datetime.date(2025, 11, 3)
    assert client.post(url, {"step": "grant"}).status_code == 403
    action.refresh_from_db()
    assert action.deadline == datetime.date(2025, 11, 3)
    assert "需省厅批复" in client.get(url).content.decode()

    client.force_login(users["drc"])
    assert 'id="extension-decision"' in client.get(url).content.decode()
    assert client.post(url, {"step": "grant"}).status_code == 302
    action.refresh_from_db()
    assert action.deadline == datetime.date(2025, 11, 17) and action.requested_deadline is None
    # The DRC is not the host unit: it cannot report the item done for it.
    assert client.post(url, {"step": "report", "text": "代为反馈"}).status_code == 403

    client.force_login(users["swj"])
    client.post(url, {"step": "report", "text": " "})  # evidence is required
    assert status() == ActionStatus.IN_PROGRESS
    client.post(url, {"step": "report", "text": "用地方案已经市政府专题会审定"})
    assert status() == ActionStatus.REPORTED and action.evidence == "用地方案已经市政府专题会审定"
    assert client.post(url, {"step": "accept"}).status_code == 403  # not its own review

    client.force_login(users["drc"])
    client.post(url, {"step": "return", "text": " "})  # a reason is required to send back
    assert status() == ActionStatus.REPORTED
    client.post(url, {"step": "return", "text": "请附专题会纪要"})
    assert status() == ActionStatus.IN_PROGRESS
    client.force_login(users["swj"])
    client.post(url, {"step": "report", "text": "附专题会纪要〔2025〕12号"})
    client.force_login(users["drc"])
    client.post(url, {"step": "accept"})
    assert status() == ActionStatus.CLOSED and action.closed_at
    assert Problem.objects.get(pk=action.problem_id).status == ProblemStatus.RESOLVED
    assert kinds() == [
        "created",
        "acknowledged",
        "progress",
        "extension_requested",
        "extension_granted",
        "reported",
        "returned",
        "reported",
        "closed",
    ]
    # Once closed, no more steps.
    client.force_login(users["swj"])
    client.post(url, {"step": "progress", "text": "补充"})
    assert kinds()[-1] == "closed"
