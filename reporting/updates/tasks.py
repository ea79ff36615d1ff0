"""Celery tasks of the monthly updates (notices to units and the DRC, reminders before the
deadline) and the worker's ping: thin, idempotent, each calling a service."""

from celery import shared_task
from django.db import transaction
from django.urls import reverse

from accounts.choices import NoticeKind
from accounts.notifications import drc_staff
from chains.teams.selectors import contacts as team_contacts
from reporting.choices import EventKind, UpdateStatus
from reporting.models import Contribution, MonthlyUpdate, UpdateEvent
from reporting.notices.services import notify
from reporting.outbox import services as outbox
from reporting.updates import reminders

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(name="reporting.ping")
def ping() -> str:
    """Answers through whatever broker is configured; used by the health checks and tests."""
    return "pong"


def _claimed_update(outbox_id: int) -> MonthlyUpdate | None:
    """The update a message is about, if this run is the one that claims the message."""
    message = outbox.claim(outbox_id)
    if message is None:
        return None
    return MonthlyUpdate.objects.select_related("industry", "unit", "period").get(
        pk=message.payload["update_id"]
    )


@shared_task(name="reporting.notify_submitted", **RETRY)
def notify_submitted(outbox_id: int) -> None:
    with transaction.atomic():
        update = _claimed_update(outbox_id)
        if update is None:
            return
        notify(
            drc_staff(),
            subject=f"【待审核】{update.unit.name} {update.industry.name} {update.period}",
            text=f"{update.unit.name}提交了{update.industry.name}{update.period}的月度进展，请审核。",
            link=reverse("reporting:review", args=[update.pk]),
            kind=NoticeKind.REVIEW,
        )


@shared_task(name="reporting.notify_reviewed", **RETRY)
def notify_reviewed(outbox_id: int) -> None:
    with transaction.atomic():
        update = _claimed_update(outbox_id)
        if update is None:
            return
        event = UpdateEvent.objects.filter(update=update).order_by("-at", "-id").first()
        verdict = {UpdateStatus.ACCEPTED: "已审核通过", UpdateStatus.RETURNED: "被退回修改"}.get(
            update.status, "状态已变更"
        )
        reason = f"理由：{event.reason}" if event and event.reason else ""
        people = team_contacts(update.industry_id, update.unit_id)
        filed = (
            UpdateEvent.objects.filter(
                update=update, kind__in=[EventKind.SUBMITTED, EventKind.RESUBMITTED]
            )
            .select_related("actor")
            .order_by("-at", "-id")
            .first()
        )
        if filed is not None and filed.actor is not None and filed.actor.unit_id == update.unit_id:
            people.append(filed.actor)  # whoever submitted it hears of its review too
        notify(
            people,
            subject=f"【{verdict}】{update.industry.name} {update.period}",
            text=f"{update.industry.name}{update.period}的月度进展{verdict}。{reason}",
            link=reverse("reporting:update", args=[update.pk]),
            kind=NoticeKind.REVIEW,
        )


@shared_task(name="reporting.notify_contribution", **RETRY)
def notify_contribution(outbox_id: int) -> None:
    """A responsible unit's input reached the lead unit's update: its people are told, and
    told to withdraw first when the update is already with the DRC."""
    with transaction.atomic():
        message = outbox.claim(outbox_id)
        if message is None:
            return
        contribution = Contribution.objects.select_related(
            "unit", "update__industry", "update__unit", "update__period"
        ).get(pk=message.payload["contribution_id"])
        update = contribution.update
        text = (
            f"{contribution.unit.name}为{update.industry.name}{update.period}的月度进展提供了材料。"
        )
        if update.status == UpdateStatus.SUBMITTED:
            text += "该进展已提交市发改委审核；如需采纳，请先撤回再修改。"
        notify(
            team_contacts(update.industry_id, update.unit_id),
            subject=f"【责任单位材料】{update.industry.name} {update.period}",
            text=text,
            link=reverse("reporting:update", args=[update.pk]),
            kind=NoticeKind.REVIEW,
        )


@shared_task(name="reporting.send_reminders", **RETRY)
def send_reminders() -> int:
    return reminders.send_due_reminders()
