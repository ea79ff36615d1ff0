"""Work teams (工作班子): the lead unit keeps its industry's roster with the responsible units'
contacts, every save is kept, and reminders about the industry reach the people it names."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Notification
from chains.models import Industry, TeamChange, TeamMember, Unit
from chains.teams import selectors, services


@pytest.fixture
def electronics():
    return Industry.objects.get(code="electronic-information")


def row(unit, name, role="contact", phone="0592-1234567", user=None):
    return {
        "unit": Unit.objects.get(name=unit),
        "role": role,
        "name": name,
        "title": "",
        "phone": phone,
        "user": user,
    }


def test_the_lead_unit_saves_the_roster_and_every_save_is_kept(users, electronics):
    services.roster_save(
        industry=electronics,
        user=users["gxj"],
        version=0,
        members=[
            row("市工信局", "王局长", role="leader"),
            row("市工信局", "李联络", user=users["gxj"]),
            row("市科技局", "陈联络", user=users["kjj"]),
        ],
    )
    services.roster_save(
        industry=electronics,
        user=users["gxj"],
        version=1,
        members=[
            row("市工信局", "王局长", role="leader"),
            row("市工信局", "李联络", user=users["gxj"]),
        ],
    )
    assert [m.name for m in selectors.roster(electronics)] == ["王局长", "李联络"]
    assert TeamMember.objects.filter(name="陈联络", removed_at__isnull=False).exists()  # kept
    last = TeamChange.objects.filter(industry=electronics).first()
    assert last.summary == "移出：市科技局陈联络" and len(last.roster) == 2


def test_bad_rows_a_stale_page_and_other_units_are_refused(users, electronics):
    with pytest.raises(PermissionDenied):
        services.roster_save(industry=electronics, user=users["kjj"], version=0, members=[])
    with pytest.raises(ValidationError) as refused:
        services.roster_save(
            industry=electronics,
            user=users["gxj"],
            version=0,
            members=[
                row("市商务局", "张三"),  # not in 电子信息's team
                row("市工信局", "", phone="电话"),
                row("市科技局", "陈联络", user=users["gxj"]),  # 市工信局's account
            ],
        )
    messages = refused.value.messages
    assert "第1行：市商务局不是电子信息产业集群的牵头单位或责任单位。" in messages
    assert "第2行：请填写姓名。" in messages and any(
        "第2行：电话“电话”格式不正确" in m for m in messages
    )
    assert "第3行：平台账号gxj不属于市科技局。" in messages
    services.roster_save(
        industry=electronics, user=users["gxj"], version=0, members=[row("市工信局", "甲")]
    )
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.roster_save(industry=electronics, user=users["gxj"], version=0, members=[])
    assert [m.name for m in selectors.roster(electronics)] == ["甲"]


def test_reminders_reach_the_named_contact_not_the_whole_unit(users, clock, electronics, make_user):
    from reporting.periods import services as periods
    from reporting.updates.reminders import send_due_reminders

    periods.period_get_or_create(2025, 9)
    colleague = make_user("gxj2", unit="市工信局")
    services.roster_save(
        industry=electronics,
        user=users["gxj"],
        version=0,
        members=[row("市工信局", "李联络", user=colleague)],
    )
    assert selectors.contacts(electronics.pk, users["gxj"].unit_id) == [colleague]
    assert set(selectors.contacts(electronics.pk, users["kjj"].unit_id)) == {
        users["kjj"]
    }  # none named
    send_due_reminders(datetime.date(2025, 10, 10))
    filing = Notification.objects.exclude(text__contains="本单位材料")  # not the inputs' reminders
    mine = filing.filter(text__contains="电子信息产业集群")
    assert set(mine.values_list("user__username", flat=True)) == {"gxj2"}
    # 机械装备 has no team yet: the whole unit is told.
    others = filing.filter(text__contains="机械装备产业集群")
    assert set(others.values_list("user__username", flat=True)) == {"gxj", "gxj2"}


def test_the_industry_page_shows_the_team_and_its_editor_edits(users, electronics, client):
    services.roster_save(
        industry=electronics,
        user=users["gxj"],
        version=0,
        members=[row("市工信局", "王局长", role="leader")],
    )
    client.force_login(users["kjj"])
    page = client.get(reverse("industry", args=["electronic-information"])).content.decode()
    assert "王局长" in page and reverse("chains:team", args=["electronic-information"]) not in page
    assert client.get(reverse("chains:team", args=["electronic-information"])).status_code == 403
    client.force_login(users["gxj"])
    form = client.get(reverse("chains:team", args=["electronic-information"]))
    assert form.status_code == 200
    data = {
        "version": "1",
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "80",
        "team-0-unit": users["kjj"].unit_id,
        "team-0-role": "contact",
        "team-0-name": "陈联络",
        "team-0-title": "科长",
        "team-0-phone": "13800000000",
        "team-0-user": users["kjj"].pk,
    }
    assert (
        client.post(reverse("chains:team", args=["electronic-information"]), data).status_code
        == 302
    )
    assert [m.name for m in selectors.roster(electronics)] == ["陈联络"]
    stale = client.post(reverse("chains:team", args=["electronic-information"]), data)
    assert stale.status_code == 409
