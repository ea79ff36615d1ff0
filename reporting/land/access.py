"""The scoped fetch of a land item (built on accounts.access): units see their own, the DRC all."""

from accounts.access import fetch, require
from accounts.models import User
from reporting.models import LandItem


def access_land_item(*, user: User, pk: int):
    """A land item, to change: only its unit's staff may (others read items in lists)."""
    item = fetch(LandItem.objects.select_related("unit", "industry", "carrier"), pk=pk)
    require(bool(user.unit_id) and user.unit_id == item.unit_id)
    return item
