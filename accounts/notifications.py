"""Who is told: a unit's staff, the DRC's, the statistics bureau's. (Telling them is
reporting.notices.services.notify: the inbox, e-mail as each chose, the units' group robots.)"""

from accounts.choices import Role
from accounts.models import User


def unit_staff(unit_id: int) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True, api_client__isnull=True))


def drc_staff() -> list[User]:

    return list(User.objects.filter(role=Role.DRC, is_active=True))


def statistics_staff() -> list[User]:
    """The statistics bureau's staff: they write its monthly analysis. People only: an API
    client system's service account (chains.api) is not told to write anything."""
    return list(User.objects.filter(role=Role.STATISTICS, is_active=True, api_client__isnull=True))


def investment_office_staff() -> list[User]:
    """市招商办's staff: they guide the investment leads."""
    return list(User.objects.filter(role=Role.INVESTMENT, is_active=True))
