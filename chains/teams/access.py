"""Who keeps an industry's work team (工作班子) and who reads it (built on accounts.access): the
lead unit keeps it; whoever views the industry reads it."""

from accounts.access import can
from accounts.choices import Action
from accounts.models import User
from chains.models import Industry


def keeps_team(user: User, industry: Industry) -> bool:
    return bool(user.unit_id) and can(user, Action.FILE, industry)
