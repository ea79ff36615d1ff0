"""Reads of the work teams: an industry's roster, and who to tell in a unit about an industry."""

from accounts.models import User
from accounts.notifications import unit_staff
from chains.teams.models import TeamMember


def roster(industry) -> list[TeamMember]:
    """The industry's team by unit (in matrix order), each unit's people as entered."""
    return list(
        TeamMember.objects.filter(industry=industry, removed_at__isnull=True)
        .select_related("unit", "user")
        .order_by("unit__position", "position", "id")
    )


def version(industry) -> int:
    """How many times the roster was saved: a save made on an older page is refused."""
    return industry.team_changes.count()


def contacts(industry_id: int, unit_id: int) -> list[User]:
    """Who to tell in a unit about an industry: the accounts its work team names for the unit
    (contact and leader), else — no one named, or no account — every member of the unit's
    staff."""
    named = [
        member.user
        for member in TeamMember.objects.filter(
            industry_id=industry_id,
            unit_id=unit_id,
            removed_at__isnull=True,
            user__unit_id=unit_id,  # an account that moved to another unit is not its contact
            user__is_active=True,
        ).select_related("user")
    ]
    return named or unit_staff(unit_id)
