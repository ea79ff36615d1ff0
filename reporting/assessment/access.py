"""Who may read the districts' assessment (built on accounts.access): the DRC and system-wide
readers every district's; a district or development zone its own, with its rank."""

from accounts.access import reads_everything
from accounts.models import User

PLACES = ("district", "zone")


def can_assess_districts(user: User) -> bool:
    """The comparison of every district is the DRC's (and system-wide readers') page."""
    return reads_everything(user)


def own_district_code(user: User) -> str | None:
    """The code of the district or development zone the user works for, if any."""
    if user.is_authenticated and user.is_active and user.unit_id and user.unit.kind in PLACES:
        return user.unit.code
    return None


def can_read_district(user: User, code: str) -> bool:
    """One district's assessment: the DRC's, and the district's own staff's."""
    return can_assess_districts(user) or own_district_code(user) == code
