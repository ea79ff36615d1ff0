"""Reminders go out once per step: before the deadline, on the day, overdue; and a summary
of overdue updates for the DRC."""

import datetime

from django.core import mail

from accounts.models import Notification
from reporting.choices import ReminderStep
from reporting.models import Reminder
from reporting.updates import services
from reporting.updates.reminders import send_due_reminders
from reporting.updates.tasks import send_reminders
from tests.reporting.conftest import content

D = datetime.date


def with_email(users):
    for name, user in users.items():
        user.email = f"{name}@xm.gov.cn"
        user.save()


def test_each_step_is_sent_once(users, september, clock):
    with_email(users)
    # 10 October: the 14 October deadline is 3 working days away (11, 13, 14).
    assert send_due_reminders(D(2025, 10, 10)) > 0
    first = len(mail.outbox)
    # (市工信局 is also a responsible unit elsewhere: its reminders for inputs apart)
    gxj_mails = [m for m in mail.outbox if "gxj@xm.gov.cn" in m.to and "进展报送提醒" in m.subject]
    assert len(gxj_mails) == 4  # 电子信息, 机械装备, 新材料, 新能源
    assert "电子信息产业集群" in "".join(m.body for m in gxj_mails)
    filing = Notification.objects.filter(user=users["gxj"]).exclude(text__contains="本单位材料")
    assert filing.count() == 4
    # Again the same day, and the next day (still "before"): nothing more.
    assert send_due_reminders(D(2025, 10, 10)) == 0
    assert send_due_reminders(D(2025, 10, 11)) == 0
    assert len(mail.outbox) == first
    # On the day, then overdue: one more each, and the DRC summary once.
    assert send_due_reminders(D(2025, 10, 14)) > 0
    assert Reminder.objects.filter(step=ReminderStep.DUE_TODAY).exists()
    send_due_reminders(D(2025, 10, 15))
    send_due_reminders(D(2025, 10, 16))
    summaries = [m for m in mail.outbox if m.to == ["drc@xm.gov.cn"] and "逾期汇总" in m.subject]
    assert len(summaries) == 1 and "市工信局" in summaries[0].body
    assert filing.count() == 12  # 4 industries × 3 steps


def test_a_unit_that_submitted_gets_no_reminder(users, september, clock, electronics_update):
    with_email(users)
    update = services.update_save(
        update=electronics_update, content=content(), expected_version=1, user=users["gxj"]
    )
    services.update_submit(update=update, user=users["gxj"], expected_version=update.version)
    send_due_reminders(D(2025, 10, 10))
    bodies = " ".join(m.body for m in mail.outbox if "gxj@xm.gov.cn" in m.to)
    assert "电子信息产业集群" not in bodies and "机械装备产业集群" in bodies


def test_nothing_early_in_the_month(users, september, clock):
    assert send_due_reminders(D(2025, 9, 29)) == 0
    # Golden Week: the lead units' deadline is still four working days away (the responsible
    # units' inputs, due three days earlier, are reminded of already).
    send_due_reminders(D(2025, 10, 3))
    assert not Reminder.objects.exclude(step=ReminderStep.CONTRIBUTION).exists()
    assert Reminder.objects.filter(step=ReminderStep.CONTRIBUTION).exists()


def test_the_beat_task_calls_the_same_service(users, september, clock):
    clock.set(D(2025, 10, 10))
    assert send_reminders.delay().get() > 0
    assert send_reminders.delay().get() == 0


def test_responsible_units_are_reminded_before_their_inputs_are_due(users, september, clock):
    from chains.models import Industry, Unit
    from chains.teams import services as teams
    from reporting.periods.workdays import WorkCalendar

    # Inputs are due on the 3rd working day of October 2025 (after Golden Week, Saturday the
    # 11th is a make-up working day), before the lead unit's deadline on the 14th.
    assert WorkCalendar().contribution_deadline(september) == D(2025, 10, 11)
    electronics = Industry.objects.get(code="electronic-information")
    teams.roster_save(
        industry=electronics,
        user=users["gxj"],
        version=0,
        members=[
            {
                "unit": Unit.objects.get(name="思明区"),
                "role": "contact",
                "name": "区联络员",
                "title": "",
                "phone": "",
                "user": users["siming"],
            },
        ],
    )
    assert send_due_reminders(D(2025, 9, 29)) == 0  # still four working days ahead
    send_due_reminders(D(2025, 10, 9))
    notes = Notification.objects.filter(text__contains="提供本单位材料")
    electronics_notes = notes.filter(text__contains="电子信息产业集群")
    # 电子信息's team names 思明区 only; 机械装备 has no team: all its responsible units.
    assert set(electronics_notes.values_list("user__username", flat=True)) == {"siming"}
    assert notes.filter(user=users["kjj"], text__contains="机械装备产业集群").exists()
    count = notes.count()
    send_due_reminders(D(2025, 10, 11))
    assert notes.count() == count  # once
    send_due_reminders(D(2025, 10, 13))  # past the day: no more
    assert Notification.objects.filter(text__contains="提供本单位材料").count() == count


def test_a_unit_that_gave_its_input_is_not_reminded_and_the_lead_unit_is_told(
    users, september, clock, electronics_update, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_add(
            update=electronics_update, user=users["siming"], text="思明区新增项目2个"
        )
    told = Notification.objects.filter(text__contains="思明区为电子信息产业集群")
    assert set(told.values_list("user__username", flat=True)) == {"gxj"}
    send_due_reminders(D(2025, 10, 9))
    assert not Notification.objects.filter(
        user=users["siming"], text__contains="电子信息产业集群2025年9月的月度进展提供本单位材料"
    ).exists()


def test_an_input_after_submission_tells_the_lead_unit_to_withdraw_first(
    users, september, clock, electronics_update, django_capture_on_commit_callbacks
):
    update = services.update_save(
        update=electronics_update, content=content(), expected_version=1, user=users["gxj"]
    )
    services.update_submit(update=update, user=users["gxj"], expected_version=update.version)
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_add(update=update, user=users["siming"], text="补充材料")
    note = Notification.objects.get(user=users["gxj"], text__contains="思明区为")
    assert note.text.endswith("该进展已提交市发改委审核；如需采纳，请先撤回再修改。")
