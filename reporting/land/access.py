"""TODO docstring (accounts.access)."""

from accounts.access import fetch, require
from accounts.models import User


def access_land_item(*, user: User, pk: int):
    """A land item, to change: only its unit's staff may (others read items in lists)."""
    from reporting.models import LandItem

    item = fetch(LandItem.objects.select_related("unit", "industry", "carrier"), pk=pk)
    require(bool(user.unit_id) and user.unit_id == item.unit_id)
    return item
