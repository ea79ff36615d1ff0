"""Telling people things: an in-portal notification for each user, and an e-mail to those
with an address (Django's email backend: console in `make run`, SMTP in production)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail

from accounts.choices import Role
from accounts.models import Notification, User


def notify(users: Iterable[User], *, subject: str, text: str, link: str = "") -> int:
    users = [u for u in users if u.is_active]
    Notification.objects.bulk_create(
        Notification(user=u, text=text[:300], link=link) for u in users
    )
    body = (
        text
        + (f"\n\n{link}" if link else "")
        + "\n\n—— 厦门市现代化产业体系工作平台（系统自动发送，请勿回复）"
    )
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in users if u.email]
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(users)


def unit_staff(unit_id: int) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True, api_client__isnull=True))


def drc_staff() -> list[User]:

    return list(User.objects.filter(role=Role.DRC, is_active=True))


def statistics_staff() -> list[User]:
    """The statistics bureau's staff: they write its monthly analysis. People only: an API
    client system's service account (chains.api) is not told to write anything."""
    return list(User.objects.filter(role=Role.STATISTICS, is_active=True, api_client__isnull=True))
