"""Chasing (催办) on the Chinese working-day calendar, through National Day 2025: 1–8 October
off, Sunday 28 September and Saturday 11 October worked (调休). Each chase goes out once,
however often the beat task runs; an extended deadline starts the steps afresh."""

import datetime

import pytest
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Notification
from chains.models import Industry, Unit
from reporting.choices import ChaseStep, Light
from reporting.models import ActionChase, SupervisionRules
from reporting.periods.workdays import WorkCalendar
from reporting.supervision import chasing, selectors
from reporting.supervision import services as supervision
from reporting.supervision.tasks import chase_items

D = datetime.date


@pytest.fixture
def item(users, clock, make_user):
    """Assigned by the DRC on Tuesday 30 September to 市商务局, due Wednesday 15 October."""
    make_user("jtj", unit="市交通局")
    clock.set(datetime.datetime(2025, 9, 30, 16, 0))
    return supervision.action_assign(
        industry=Industry.objects.get(code="commerce-logistics"),
        decision="落实冷链物流园用地",
        unit=Unit.objects.get(name="市商务局"),
        co_units=[Unit.objects.get(name="市交通局")],
        deadline=D(2025, 10, 15),
        user=users["drc"],
    )


def run_on(clock, day) -> list[str]:
    """Run the beat task on a day (twice: the second run must send nothing); the chases sent."""
    clock.set(datetime.datetime.combine(day, datetime.time(8, 40)))
    before = set(ActionChase.objects.values_list("pk", flat=True))
    sent = chase_items.apply().get()
    assert chase_items.apply().get() == 0, f"{day}: a second run sent again"
    new = ActionChase.objects.exclude(pk__in=before).order_by("pk")
    assert sent == new.count()
    return list(new.values_list("step", flat=True))


def test_the_chases_follow_the_working_days_through_a_holiday(item, users, clock, make_user):
    swj, drc, leader = users["swj"], users["drc"], users["leader_huang_yt"]
    other_leader = make_user("lhy", role=Role.LEADER, official="李辉跃")  # 金融服务 only
    sent = {day: run_on(clock, day) for day in (D(2025, 10, d) for d in range(1, 24))}
    assert {day: steps for day, steps in sent.items() if steps} == {
        # 2 working days to acknowledge, 9 and 10 October (1–8 are off): chased on the next,
        # Saturday the 11th, a make-up working day (调休); 3 working days before the 15th
        # count from it too
        D(2025, 10, 11): [ChaseStep.ACKNOWLEDGE, ChaseStep.BEFORE],
        D(2025, 10, 15): [ChaseStep.DUE_TODAY],
        D(2025, 10, 16): [ChaseStep.OVERDUE],
        # 5 working days overdue: 16, 17, 20, 21, 22 October
        D(2025, 10, 22): [ChaseStep.ESCALATED],
    }
    texts = list(
        Notification.objects.filter(user=swj).order_by("id").values_list("text", flat=True)
    )
    assert [t[:6] for t in texts] == [
        "【催办】督办",
        "【临期提醒】",
        "【到期提醒】",
        "【逾期催办】",
    ]
    escalated = "【逾期升级】市商务局主办的督办事项“落实冷链物流园用地”已逾期"
    assert Notification.objects.get(user=drc, text__startswith="【逾期升级】").text.startswith(
        escalated
    )
    assert Notification.objects.filter(user=leader, text__startswith=escalated).count() == 1
    assert not Notification.objects.filter(
        user=other_leader, text__startswith="【逾期升级】"
    ).exists()


def test_the_rules_are_the_administrators(item, clock):
    SupervisionRules.objects.create(
        acknowledge_working_days=1, before_working_days=1, escalate_after_working_days=2
    )
    assert run_on(clock, D(2025, 10, 9)) == []  # its one working day to acknowledge
    assert run_on(clock, D(2025, 10, 10)) == [ChaseStep.ACKNOWLEDGE]
    assert run_on(clock, D(2025, 10, 14)) == [ChaseStep.BEFORE]
    assert run_on(clock, D(2025, 10, 17)) == [ChaseStep.OVERDUE, ChaseStep.ESCALATED]


def test_an_extension_starts_the_steps_afresh_and_acknowledging_stops_the_first(item, users, clock):
    supervision.action_acknowledge(action=item, user=users["swj"])
    assert run_on(clock, D(2025, 10, 10)) == []  # acknowledged: no 签收 chase
    assert run_on(clock, D(2025, 10, 16)) == [ChaseStep.OVERDUE]
    supervision.action_request_extension(
        action=item, user=users["swj"], until=D(2025, 10, 31), reason="待批复"
    )
    supervision.action_decide_extension(action=item, user=users["drc"], grant=True)
    assert run_on(clock, D(2025, 10, 17)) == []  # no longer overdue
    assert run_on(clock, D(2025, 10, 28)) == [ChaseStep.BEFORE]
    assert run_on(clock, D(2025, 11, 3)) == [ChaseStep.OVERDUE]


def test_an_item_reported_done_or_closed_is_not_chased(item, users, clock):
    supervision.action_acknowledge(action=item, user=users["swj"])
    supervision.action_report(action=item, user=users["swj"], evidence="已办结")
    assert run_on(clock, D(2025, 10, 16)) == []


def test_the_drc_chases_by_hand_and_the_item_keeps_every_chase(
    item, users, client, clock, django_capture_on_commit_callbacks
):
    url = reverse("reporting:action", args=[item.pk])
    run_on(clock, D(2025, 10, 13))  # 签收 and 临期, chased automatically
    client.force_login(users["swj"])
    assert client.post(url, {"step": "chase", "text": "请加快"}).status_code == 403
    client.force_login(users["drc"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"step": "chase", "text": "请本周内签收并报送进展"})
    chase = ActionChase.objects.get(step=ChaseStep.MANUAL)
    assert (chase.sent_by, chase.recipients) == (users["drc"], 2)  # 市商务局 and 市交通局
    assert (
        Notification.objects.filter(
            user__username__in=["swj", "jtj"], text__contains="请本周内签收并报送进展"
        ).count()
        == 2
    )
    html = client.get(url).content.decode()
    assert html.count('data-step="') == 3 and "请本周内签收并报送进展" in html
    client.post(url, {"step": "chase", "text": " "})  # a message is required
    assert ActionChase.objects.filter(step=ChaseStep.MANUAL).count() == 1


def test_the_lights_are_blue_yellow_red_with_their_words(item, clock):
    calendar = WorkCalendar()
    lights = {
        day: selectors.action_light(item, day, calendar)
        for day in (D(2025, 10, 9), D(2025, 10, 11), D(2025, 10, 16))
    }
    assert lights == {
        D(2025, 10, 9): Light.BLUE,
        D(2025, 10, 11): Light.YELLOW,
        D(2025, 10, 16): Light.RED,
    }
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("zh-hans"):
        words = [
            render_to_string("includes/light.html", {"light": light}) for light in lights.values()
        ]
    assert ["正常" in words[0], "临期" in words[1], "逾期" in words[2]] == [True, True, True]


def test_chasing_uses_few_queries(item, users, clock, django_assert_max_num_queries, make_user):
    for n in range(5):
        supervision.action_assign(
            industry=item.industry,
            decision=f"事项{n}",
            unit=item.unit,
            deadline=D(2025, 10, 15),
            user=users["drc"],
        )
    clock.set(datetime.datetime(2025, 10, 20, 8, 40))
    # the items, the keys sent, the rules, the calendar; then per chase a constant eight: a
    # savepoint and its release, its row, the unit's staff, the notices, their e-mail choices,
    # the unit's robots, the count of recipients
    with django_assert_max_num_queries(4 + 8 * 12):
        assert chasing.chase_due() == 12  # each: 签收 not yet, and overdue


def test_nothing_is_sent_on_a_day_off(item, clock):
    """Due on Friday 17 October: overdue from Saturday, chased on Monday the 20th."""
    type(item).objects.filter(pk=item.pk).update(deadline=D(2025, 10, 17))
    item.refresh_from_db()
    assert run_on(clock, D(2025, 10, 17)) == [ChaseStep.ACKNOWLEDGE, ChaseStep.DUE_TODAY]
    assert run_on(clock, D(2025, 10, 18)) == []
    assert run_on(clock, D(2025, 10, 19)) == []
    assert run_on(clock, D(2025, 10, 20)) == [ChaseStep.OVERDUE]
