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
    gxj_mails = [m for m in mail.outbox if "gxj@xm.gov.cn" in m.to]
    assert len(gxj_mails) == 4  # 电子信息, 机械装备, 新材料, 新能源
    assert "电子信息产业集群" in "".join(m.body for m in gxj_mails)
    assert Notification.objects.filter(user=users["gxj"]).count() == 4
    # Again the same day, and the next day (still "before"): nothing more.
    assert send_due_reminders(D(2025, 10, 10)) == 0
    assert send_due_reminders(D(2025, 10, 11)) == 0
    assert len(mail.outbox) == first
    # On the day, then overdue: one more each, and the DRC summary once.
    assert send_due_reminders(D(2025, 10, 14)) > 0
    assert Reminder.objects.filter(step=ReminderStep.DUE_TODAY).exists()
    send_due_reminders(D(2025, 10, 15))
    send_due_reminders(D(2025, 10, 16))
    summaries = [m for m in mail.outbox if m.to == ["drc@xm.gov.cn"]]
    assert len(summaries) == 1 and "市工信局" in summaries[0].body
    assert Notification.objects.filter(user=users["gxj"]).count() == 12  # 4 industries × 3 steps


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
    assert send_due_reminders(D(2025, 10, 3)) == 0  # Golden Week: still four working days


def test_the_beat_task_calls_the_same_service(users, september, clock):
    clock.set(D(2025, 10, 10))
    assert send_reminders.delay().get() > 0
    assert send_reminders.delay().get() == 0
