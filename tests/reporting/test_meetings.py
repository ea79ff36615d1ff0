"""Coordination meetings: scheduled with an agenda of escalated problems, noticed to the chair's
office and the units invited, shown on a month's calendar; the minutes (纪要) recorded with
their decisions, each an item, in one step (all or none); the minutes as a PDF."""

import datetime
import subprocess

import pytest
from django.urls import reverse

from accounts.models import Notification
from chains.models import Industry, Official, Unit
from reporting.models import ActionItem, Meeting
from reporting.supervision import services as supervision
from reporting.updates import services
from tests.reporting.conftest import content


@pytest.fixture
def escalated(users, september, clock):
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
    problem = update.problems.get()
    supervision.problem_escalate(problem=problem, user=users["drc"])
    problem.refresh_from_db()
    return problem


@pytest.fixture
def meeting(escalated, users, make_user, django_capture_on_commit_callbacks):
    make_user("jtj", unit="市交通局")
    with django_capture_on_commit_callbacks(execute=True):
        return supervision.meeting_create(
            industry=escalated.update.industry,
            chair=Official.objects.get(name="黄燕添"),
            date=datetime.date(2025, 10, 21),
            place="市政府3号楼会议室",
            units=list(Unit.objects.filter(name__in=["市商务局", "市交通局"])),
            problems=[escalated],
            minutes="",
            user=users["drc"],
        )


def test_a_scheduled_meeting_is_noticed_to_the_chairs_office_and_the_units(meeting, users):
    text = Notification.objects.get(user=users["leader_huang_yt"]).text
    assert text == (
        "2025年10月21日在市政府3号楼会议室召开商贸物流产业集群协调会（黄燕添主持），"
        "议题：冷链物流园用地未落实。"
    )
    assert Notification.objects.filter(user__username="jtj", text=text).exists()
    assert Notification.objects.filter(user=users["swj"], text=text).exists()
    assert not Notification.objects.filter(user=users["gxj"]).exists()
    assert meeting.minutes_recorded_at is None


def test_the_calendar_shows_the_month_by_official(meeting, users, client):
    client.force_login(users["swj"])
    page = client.get(reverse("reporting:meetings"), {"month": "2025-10"})
    assert [m.pk for m in page.context["meetings"]] == [meeting.pk]
    days = {day: ms for week in page.context["weeks"] for day, _in, ms in week}
    assert days[datetime.date(2025, 10, 21)] == [meeting]
    assert (
        client.get(
            reverse("reporting:meetings"), {"month": "2025-10", "official": "lihuiyue"}
        ).context["meetings"]
        == []
    )
    client.force_login(users["gxj"])  # 电子信息 only: not this meeting
    assert client.get(reverse("reporting:meetings"), {"month": "2025-10"}).context["meetings"] == []


def minutes_data(meeting, rows):
    data = {
        "step": "minutes",
        "minutes": "会议研究了冷链物流园用地问题，议定如下。",
        "decisions-TOTAL_FORMS": str(len(rows)),
        "decisions-INITIAL_FORMS": "0",
        "decisions-MIN_NUM_FORMS": "0",
        "decisions-MAX_NUM_FORMS": "30",
    }
    for n, row in enumerate(rows):
        data |= {f"decisions-{n}-{k}": v for k, v in row.items()}
    return data


def test_the_minutes_and_their_decisions_become_items_in_one_step(
    meeting, escalated, users, client, clock
):
    jtj, swj = Unit.objects.get(name="市交通局"), Unit.objects.get(name="市商务局")
    url = reverse("reporting:meeting", args=[meeting.pk])
    client.force_login(users["drc"])
    good = {
        "decision": "市交通局牵头落实用地",
        "unit": jtj.pk,
        "co_units": [swj.pk],
        "deadline": "2025-11-30",
        "problem": escalated.pk,
    }
    bad = {"decision": "没有主办单位", "deadline": "2025-11-30"}
    blank = {}
    assert client.post(url, minutes_data(meeting, [good])).status_code == 400  # not yet held
    clock.set(datetime.datetime(2025, 10, 21, 17))
    client.force_login(users["drc"])  # a new day's session
    response = client.post(url, minutes_data(meeting, [good, bad, blank]))
    assert response.status_code == 400 and not ActionItem.objects.exists()  # none of them
    assert Meeting.objects.get(pk=meeting.pk).minutes_recorded_at is None
    response = client.post(
        url,
        minutes_data(
            meeting,
            [
                good,
                blank,
                {
                    **good,
                    "decision": "市商务局配合做好企业服务",
                    "unit": swj.pk,
                    "co_units": [],
                    "problem": "",
                },
            ],
        ),
    )
    assert response.status_code == 302
    items = list(ActionItem.objects.order_by("pk"))
    assert [(a.decision, a.unit.name, a.source) for a in items] == [
        ("市交通局牵头落实用地", "市交通局", "meeting"),
        ("市商务局配合做好企业服务", "市商务局", "meeting"),
    ]
    assert list(items[0].co_units.values_list("name", flat=True)) == ["市商务局"]
    meeting.refresh_from_db()
    assert meeting.minutes_recorded_at and meeting.minutes.startswith("会议研究了")
    # recorded once: a second recording would overwrite what was decided
    assert client.post(url, minutes_data(meeting, [good])).status_code == 400
    assert ActionItem.objects.count() == 2


def test_the_minutes_as_a_pdf(meeting, escalated, users, client, tmp_path, clock):
    clock.set(datetime.datetime(2025, 10, 22, 9))
    supervision.meeting_minutes_record(
        meeting=meeting,
        minutes="会议研究了冷链物流园用地问题。\n请各单位抓紧落实。",
        decisions=[
            {
                "decision": "市交通局牵头落实冷链物流园用地",
                "unit": Unit.objects.get(name="市交通局"),
                "co_units": [Unit.objects.get(name="海沧区")],
                "deadline": datetime.date(2025, 11, 30),
                "problem": type(escalated).objects.get(pk=escalated.pk),  # now on the agenda
            }
        ],
        user=users["drc"],
    )
    client.force_login(users["swj"])
    response = client.get(reverse("reporting:meeting_minutes_pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content[:5] == b"%PDF-"
    path = tmp_path / "minutes.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in (
        "协调会议纪要",
        "黄燕添",
        "市政府3号楼会议室",
        "冷链物流园用地未落实",
        "三、议定事项",
        "市交通局牵头落实冷链物流园用地",
        "海沧区",
        "2025年11月30日",
    ):
        assert words in text, words
    client.force_login(users["gxj"])
    assert (
        client.get(reverse("reporting:meeting_minutes_pdf", args=[meeting.pk])).status_code == 403
    )
