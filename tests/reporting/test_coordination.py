"""The coordination loop: problem → meeting → item → 签收 → 反馈 with evidence → 复核 → 办结."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chains.models import Official, Unit
from reporting.choices import ActionStatus, Light, ProblemStatus
from reporting.models import Problem
from reporting.periods.workdays import WorkCalendar
from reporting.supervision import selectors
from reporting.supervision import services as coordination
from reporting.updates import services
from tests.reporting.conftest import content


@pytest.fixture
def problem(users, september, clock):
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
    return update.problems.get()


def meeting_for(problem, users, date=datetime.date(2025, 10, 20)):
    coordination.problem_escalate(problem=problem, user=users["drc"])
    industry = problem.update.industry
    return coordination.meeting_create(
        industry=industry,
        chair=Official.objects.get(name="黄燕添"),
        date=date,
        units=list(Unit.objects.filter(name__in=["市商务局", "市交通局"])),
        problems=[Problem.objects.get(pk=problem.pk)],
        minutes="研究冷链物流园用地问题。",
        user=users["drc"],
    )


def test_the_loop_from_problem_to_closed_action(problem, users, clock):
    meeting = meeting_for(problem, users)
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.IN_MEETING
    action = coordination.action_create(
        meeting=meeting,
        decision="市商务局会同市资源规划局两周内提出用地方案",
        unit=Unit.objects.get(name="市商务局"),
        deadline=datetime.date(2025, 11, 3),
        user=users["drc"],
        problem=Problem.objects.get(pk=problem.pk),
    )
    assert action.status == ActionStatus.ASSIGNED and action.industry == meeting.industry
    swj, drc = users["swj"], users["drc"]
    coordination.action_acknowledge(action=action, user=swj)
    with pytest.raises(ValidationError):
        coordination.action_report(action=action, user=swj, evidence=" ")  # evidence required
    coordination.action_report(
        action=action, user=swj, evidence="用地方案已经市政府专题会审定（会议纪要〔2025〕12号）"
    )
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.IN_MEETING  # not yet
    coordination.action_review(action=action, user=drc, accept=True)
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED and action.closed_at
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.RESOLVED
    assert [e.kind for e in action.events.all()] == [
        "created",
        "acknowledged",
        "reported",
        "closed",
    ]


def test_the_escalated_problem_survives_the_units_next_save(problem, users):
    coordination.problem_escalate(problem=problem, user=users["drc"])
    update = problem.update
    update.refresh_from_db()
    services.update_save(
        update=update,
        content=services.UpdateContent(fields=content().fields, problems=[]),
        expected_version=update.version,
        user=users["swj"],
    )
    assert Problem.objects.filter(pk=problem.pk, status=ProblemStatus.ESCALATED).exists()


def test_extension_and_traffic_light(problem, users):
    meeting = meeting_for(problem, users)
    action = coordination.action_create(
        meeting=meeting,
        decision="提出方案",
        unit=Unit.objects.get(name="市商务局"),
        deadline=datetime.date(2025, 11, 3),
        user=users["drc"],
    )
    calendar = WorkCalendar(overrides={})
    assert selectors.action_light(action, datetime.date(2025, 10, 24), calendar) == Light.BLUE
    assert selectors.action_light(action, datetime.date(2025, 10, 30), calendar) == Light.YELLOW
    assert selectors.action_light(action, datetime.date(2025, 11, 4), calendar) == Light.RED
    coordination.action_request_extension(
        action=action, user=users["swj"], until=datetime.date(2025, 11, 17), reason="需省厅批复"
    )
    coordination.action_decide_extension(action=action, user=users["drc"], grant=True)
    action.refresh_from_db()
    assert action.deadline == datetime.date(2025, 11, 17) and action.requested_deadline is None
    assert selectors.action_light(action, datetime.date(2025, 11, 4), calendar) == Light.BLUE


def test_access_to_meetings_and_actions(problem, users, client):
    meeting = meeting_for(problem, users)
    action = coordination.action_create(
        meeting=meeting,
        decision="提出方案",
        unit=Unit.objects.get(name="市商务局"),
        deadline=datetime.date(2025, 11, 3),
        user=users["drc"],
    )
    meeting_url, action_url = (
        reverse("reporting:meeting", args=[meeting.pk]),
        reverse("reporting:action", args=[action.pk]),
    )
    for who, expected in (
        ("drc", 200),
        ("swj", 200),
        ("leader_huang_yt", 200),
        ("siming", 200),
        ("gxj", 403),
        ("hyj", 403),
    ):
        client.force_login(users[who])
        assert client.get(meeting_url).status_code == expected, who
        assert client.get(action_url).status_code == expected, who
    # Only the host unit acknowledges and reports; only the DRC records decisions and reviews.
    client.force_login(users["siming"])
    for step in ("acknowledge", "report", "accept", "cancel"):
        assert client.post(action_url, {"step": step, "text": "x"}).status_code == 403, step
    assert (
        client.post(meeting_url, {"decision": "x", "unit": 1, "deadline": "2025-12-01"}).status_code
        == 403
    )
    client.force_login(users["swj"])
    assert client.post(action_url, {"step": "accept"}).status_code == 403  # not its own review
    client.post(action_url, {"step": "acknowledge"})
    client.post(action_url, {"step": "report", "text": "已办结"})
    client.force_login(users["drc"])
    client.post(action_url, {"step": "accept"})
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED


def test_the_due_page_and_the_update_show_the_units_actions(problem, users, client):
    meeting = meeting_for(problem, users)
    action = coordination.action_create(
        meeting=meeting,
        decision="提出冷链用地方案",
        unit=Unit.objects.get(name="市商务局"),
        deadline=datetime.date(2025, 11, 3),
        user=users["drc"],
    )
    client.force_login(users["swj"])
    assert f'data-action="{action.pk}"' in client.get(reverse("reporting:due")).content.decode()
    coordination.action_acknowledge(action=action, user=users["swj"])
    html = client.get(reverse("reporting:edit", args=[problem.update.pk])).content.decode()
    assert 'id="open-actions"' in html and "提出冷链用地方案" in html
    assert 'id="escalated-problems"' in html


def test_the_unit_reports_progress_on_its_action_in_the_monthly_update(problem, users, client):
    from reporting.models import ActionEvent

    meeting = meeting_for(problem, users)
    action = coordination.action_create(
        meeting=meeting,
        decision="提出冷链用地方案",
        unit=Unit.objects.get(name="市商务局"),
        deadline=datetime.date(2025, 11, 3),
        user=users["drc"],
    )
    coordination.action_acknowledge(action=action, user=users["swj"])
    update = problem.update
    update.refresh_from_db()
    data = {
        "version": update.version,
        **content().fields,
        f"action_progress_{action.pk}": "已完成选址比选",
    }
    for prefix in ("projects", "problems"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "50",
            }
        )
    client.force_login(users["swj"])
    assert client.post(reverse("reporting:edit", args=[update.pk]), data).status_code == 302
    event = ActionEvent.objects.get(action=action, kind="progress")
    assert "已完成选址比选" in event.text and event.actor == users["swj"]


def test_the_edit_form_does_not_offer_an_escalated_problem_again(problem, users, client):
    from django.urls import reverse

    from tests.reporting.test_views import form_data

    coordination.problem_escalate(problem=problem, user=users["drc"])
    client.force_login(users["swj"])
    url = reverse("reporting:edit", args=[problem.update_id])
    rows = client.get(url).context["problems"].forms
    assert [f.initial.get("description") for f in rows if f.initial] == []
    update = problem.update
    update.refresh_from_db()
    assert client.post(url, form_data(update)).status_code == 302  # the page saved as shown
    assert list(update.problems.values_list("description", "status")) == [
        ("冷链物流园用地未落实", ProblemStatus.ESCALATED)
    ]


def test_the_problem_list_names_each_status_in_chinese(problem, users, client):
    client.force_login(users["drc"])
    page = client.get(reverse("reporting:problems"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    row = page.content.decode().split(f'data-problem="{problem.pk}"')[1].split("</tr>")[0]
    assert "<td>未解决</td>" in row and "查看" not in row
    coordination.problem_escalate(problem=problem, user=users["drc"])
    page = client.get(reverse("reporting:problems"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    row = page.content.decode().split(f'data-problem="{problem.pk}"')[1].split("</tr>")[0]
    assert "<td>已提请协调会</td>" in row


def test_the_drc_escalates_a_problem_over_http(problem, users, client):
    client.force_login(users["drc"])
    response = client.post(reverse("reporting:problem_escalate", args=[problem.pk]))
    assert response.status_code == 302
    assert response.url == reverse("reporting:problems")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ESCALATED
    assert problem.escalated_at is not None


@pytest.mark.parametrize("who", ["swj", "gxj", "siming", "stats", "leader_huang_yt"])
def test_no_one_but_the_drc_escalates_a_problem(problem, users, client, who):
    """Not even the lead unit whose update raised it (市商务局): escalating is the DRC's call."""
    client.force_login(users[who])
    response = client.post(reverse("reporting:problem_escalate", args=[problem.pk]))
    assert response.status_code == 403
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN
    assert problem.escalated_at is None


def test_escalating_an_unknown_problem_is_a_404(problem, users, client):
    client.force_login(users["drc"])
    response = client.post(reverse("reporting:problem_escalate", args=[problem.pk + 1000]))
    assert response.status_code == 404
