"""Instructions (批示): a city leader writes one on a problem, an update, an item or a final
report; the units concerned and the DRC are told; the DRC makes it an item, whose closing the
leader hears of and sees on their list. A problem instructed on survives the unit's next save."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Notification
from chains.models import Industry, Unit
from reporting.choices import ActionSource, ProblemStatus
from reporting.models import Instruction, Problem, Report
from reporting.reports import services as report_services
from reporting.reports.gather import gather
from reporting.supervision import instructions
from reporting.supervision import services as supervision
from reporting.updates import services
from tests.reporting.conftest import content


@pytest.fixture
def problem(users, september, clock):
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
            problems=[{"description": "冷链物流园用地未落实", "type": "land", "concerned": ""}],
        ),
        expected_version=update.version,
        user=users["swj"],
    )
    return update.problems.get()


def test_a_leaders_instruction_on_a_problem_becomes_an_item(
    problem, users, make_user, django_capture_on_commit_callbacks
):
    leader, drc, swj = users["leader_huang_yt"], users["drc"], users["swj"]
    jtj = make_user("jtj", unit="市交通局")
    with django_capture_on_commit_callbacks(execute=True):
        instruction = instructions.instruction_write(
            user=leader, target=problem, text="请市交通局牵头研究，月底前拿出方案。"
        )
    assert instruction.industry == problem.update.industry
    told = "黄燕添对问题“冷链物流园用地未落实”作出批示：请市交通局牵头研究"
    assert Notification.objects.get(user=swj).text.startswith(told)
    assert Notification.objects.get(user=drc).text.startswith(told)
    assert not Notification.objects.filter(user=leader).exists()  # not told of their own

    with django_capture_on_commit_callbacks(execute=True):
        item = instructions.instruction_assign(
            instruction=instruction,
            user=drc,
            industry=instruction.industry,
            decision="市交通局牵头研究冷链物流园用地方案",
            unit=jtj.unit,
            co_units=[],
            deadline=datetime.date(2025, 10, 31),
        )
    assert (item.source, item.instruction, item.problem) == (
        ActionSource.INSTRUCTION,
        instruction,
        problem,
    )
    assert "根据领导批示交办" in Notification.objects.filter(user=jtj).latest("id").text
    supervision.action_acknowledge(action=item, user=jtj)
    supervision.action_report(action=item, user=jtj, evidence="方案已报市政府")
    with django_capture_on_commit_callbacks(execute=True):
        supervision.action_review(action=item, user=drc, accept=True)
    # the leader hears the item was closed, and their list says so
    assert "已办结" in Notification.objects.filter(user=leader).latest("id").text
    assert Problem.objects.get(pk=problem.pk).status == ProblemStatus.RESOLVED


def test_the_problem_instructed_on_survives_the_units_next_save(problem, users, client):
    instructions.instruction_write(user=users["leader_huang_yt"], target=problem, text="请研究")
    update = problem.update
    update.refresh_from_db()
    services.update_save(
        update=update,
        content=services.UpdateContent(fields=content().fields, problems=[]),
        expected_version=update.version,
        user=users["swj"],
    )
    assert Problem.objects.filter(pk=problem.pk).exists()
    client.force_login(users["swj"])
    page = client.get(reverse("reporting:edit", args=[update.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert [f.initial for f in page.context["problems"].forms if f.initial] == []
    assert "领导已批示" in page.content.decode()


def test_an_instruction_on_an_item_is_in_its_history(problem, users, make_user):
    jtj = make_user("jtj", unit="市交通局")
    item = supervision.action_assign(
        industry=problem.update.industry,
        decision="研究用地",
        unit=jtj.unit,
        deadline=datetime.date(2025, 10, 31),
        user=users["drc"],
        problem=problem,
    )
    instructions.instruction_write(user=users["leader_huang_yt"], target=item, text="加快进度")
    assert item.events.last().kind == "instructed" and item.events.last().text == "加快进度"


def test_an_instruction_needs_text(problem, users):
    with pytest.raises(ValidationError, match="请填写批示内容"):
        instructions.instruction_write(user=users["leader_huang_yt"], target=problem, text=" ")
    assert not Instruction.objects.exists()


@pytest.mark.parametrize(
    "who,status",
    [("leader_huang_yt", 302), ("drc", 302), ("swj", 403), ("stats", 403), ("admin", 403)],
)
def test_who_may_instruct_on_a_final_report(users, september, clock, client, who, status):
    data = gather("monthly", 2025, 9)
    report = Report.objects.create(kind="monthly", period="2025-09", title=data["title"], data=data)
    report = report_services.report_finalise(
        report=report, user=users["drc"], expected_version=report.edit_version
    )
    client.force_login(users[who])
    response = client.post(
        reverse("reporting:instruction_new"),
        {"target": "report", "pk": report.pk, "text": "请各单位对照落实。"},
    )
    assert response.status_code == status
    assert Instruction.objects.filter(report=report).exists() == (status == 302)


def test_a_leader_cannot_instruct_on_what_they_may_not_read(problem, make_user, client):
    from accounts.choices import Role

    other = make_user("lhy", role=Role.LEADER, official="李辉跃")  # leads 金融服务 only
    client.force_login(other)
    response = client.post(
        reverse("reporting:instruction_new"),
        {"target": "problem", "pk": problem.pk, "text": "越权批示"},
    )
    assert response.status_code == 403 and not Instruction.objects.exists()


def test_the_units_concerned_read_the_instruction_and_an_unknown_target_is_a_404(
    problem, users, make_user, client
):
    """Told of an instruction, a unit may open it: 市商务局 (whose update and problem it is), and
    an item's co-unit from outside the industry (海沧区 here takes part; 市海洋局 does not)."""
    leader, swj = users["leader_huang_yt"], users["swj"]
    hyj = users["hyj"]  # 市海洋局: no part in 商贸物流
    on_update = instructions.instruction_write(user=leader, target=problem.update, text="抓紧")
    on_problem = instructions.instruction_write(user=leader, target=problem, text="研究")
    item = supervision.action_assign(
        industry=problem.update.industry,
        decision="研究用地",
        unit=Unit.objects.get(name="市交通局"),
        co_units=[Unit.objects.get(name="市海洋局")],
        deadline=datetime.date(2025, 10, 31),
        user=users["drc"],
        problem=problem,
    )
    on_item = instructions.instruction_write(user=leader, target=item, text="加快")
    client.force_login(swj)
    for instruction in (on_update, on_problem):
        assert (
            client.get(reverse("reporting:instruction", args=[instruction.pk])).status_code == 200
        )
    client.force_login(hyj)  # a co-unit of the item, outside the industry
    assert client.get(reverse("reporting:instruction", args=[on_item.pk])).status_code == 200
    assert client.get(reverse("reporting:instruction", args=[on_update.pk])).status_code == 403
    client.force_login(users["drc"])
    response = client.post(
        reverse("reporting:instruction_new"), {"target": "nonsense", "pk": 1, "text": "x"}
    )
    assert response.status_code == 404
