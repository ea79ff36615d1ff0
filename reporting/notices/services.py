"""Telling people things. Every notice lands in the user's inbox in the portal (the record);
then, as each user chose for its kind, an e-mail at once, in the day's digest, or none; and, for
units whose administrators configured a group robot (企业微信 / 钉钉), a post to the group,
handed to the outbox so that a robot that is down gets it later (reporting.outbox)."""

import datetime
import json
import logging
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.utils import timezone

from accounts.choices import NoticeKind
from accounts.models import Notification, User
from reporting.notices.models import EmailChoice, NoticePreference, UnitWebhook
from reporting.outbox import services as outbox

logger = logging.getLogger(__name__)

SIGNATURE = "—— 厦门市现代化产业体系工作平台（系统自动发送，请勿回复）"
WEBHOOK_TIMEOUT = 5  # seconds: a hung robot holds a worker no longer


def notify(
    users: Iterable[User],
    *,
    subject: str,
    text: str,
    link: str = "",
    kind: str = NoticeKind.OTHER,
) -> int:
    """Tell each active user once: the inbox, their e-mail choice, their unit's robot."""
    users = list({u.pk: u for u in users if u.is_active}.values())
    choices = dict(
        NoticePreference.objects.filter(user__in=users, kind=kind).values_list("user_id", "email")
    )
    now = timezone.now()
    # Only a notice of a kind the user reads as a digest waits for the day's digest.
    Notification.objects.bulk_create(
        Notification(
            user=u,
            kind=kind,
            text=text[:300],
            link=link,
            digest_sent_at=None if choices.get(u.pk) == EmailChoice.DIGEST else now,
        )
        for u in users
    )
    body = text + (f"\n\n{_absolute(link)}" if link else "") + f"\n\n{SIGNATURE}"
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in users
        if u.email and choices.get(u.pk, EmailChoice.IMMEDIATE) == EmailChoice.IMMEDIATE
    ]
    if messages:
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # the mail server refused or is down: the inbox has the notice
            logger.exception("notice e-mail not sent (%s recipients): %s", len(messages), subject)
    units = {u.unit_id for u in users if u.unit_id}
    for hook in UnitWebhook.objects.filter(unit_id__in=units, is_active=True):
        if hook.posts(kind):
            outbox.enqueue(
                "reporting.post_webhook",
                webhook_id=hook.pk,
                text=f"{subject}\n{text}" + (f"\n{_absolute(link)}" if link else ""),
            )
    return len(users)


def _absolute(link: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + link if link.startswith("/") else link


class _Refuse(urllib.request.HTTPRedirectHandler):
    """A robot's address answers itself: a redirect (elsewhere, perhaps inside the network)
    is not followed but fails the post."""

    def redirect_request(self, *args, **kwargs):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_Refuse)


def webhook_body(hook: UnitWebhook, text: str) -> dict:
    """企业微信 and 钉钉 group robots both take a text message of this shape."""
    return {"msgtype": "text", "text": {"content": text}}


def webhook_post(hook: UnitWebhook, text: str) -> None:
    """Post to the robot; raise unless it took the message (HTTP 2xx and errcode 0)."""
    check_webhook_url(hook.url)  # the allowed hosts, again: settings may have changed
    request = urllib.request.Request(
        hook.url,
        data=json.dumps(webhook_body(hook, text), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with _NO_REDIRECTS.open(request, timeout=WEBHOOK_TIMEOUT) as response:
        answer = json.loads(response.read(65536) or b"{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"robot refused: {answer.get('errcode')} {answer.get('errmsg', '')}")


def check_webhook_url(url: str) -> None:
    """A robot's address must be HTTPS on one of the allowed hosts (settings): the portal posts
    only to the robots' services, never to an address inside the network."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    allowed = settings.NOTICE_WEBHOOK_HOSTS
    if parts.hostname not in allowed or (
        parts.scheme != "https" and not settings.NOTICE_WEBHOOK_ALLOW_HTTP
    ):
        raise ValidationError(f"机器人地址须为 https，且主机为：{'、'.join(allowed)}。")


def send_digests(now: datetime.datetime | None = None) -> int:
    """The day's digest e-mail to each user who chose it for some kind: the notices of those
    kinds not yet in a digest, once each (marked in the same transaction)."""
    now = now or timezone.now()
    sent = 0
    digesters = (
        NoticePreference.objects.filter(email=EmailChoice.DIGEST)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user in User.objects.filter(pk__in=digesters, is_active=True).exclude(email=""):
        kinds = list(
            user.notice_preferences.filter(email=EmailChoice.DIGEST).values_list("kind", flat=True)
        )
        with transaction.atomic():
            notes = list(
                Notification.objects.select_for_update()
                .filter(user=user, kind__in=kinds, digest_sent_at__isnull=True)
                .order_by("created_at", "id")
            )
            if not notes:
                continue
            lines = [
                f"{n.created_at.astimezone(timezone.get_current_timezone()):%m-%d %H:%M} {n.text}"
                + (f"\n  {_absolute(n.link)}" if n.link else "")
                for n in notes
            ]
            try:
                send_mail(
                    f"【每日汇总】{len(notes)} 条通知",
                    "\n".join(lines) + f"\n\n{SIGNATURE}",
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
            except Exception:  # this address refused: the others still get theirs
                logger.exception("digest not sent to user %s", user.pk)
                continue
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(digest_sent_at=now)
            sent += 1
    return sent
