"""Who may assess the districts: the DRC (built on accounts.access)."""

from accounts.access import reads_everything
from accounts.models import User


def can_assess_districts(user: User) -> bool:
    """The districts' assessment is the DRC's (and system-wide readers') page."""
    return reads_everything(user)
