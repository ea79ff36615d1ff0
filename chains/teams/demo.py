"""Demo only (`make run`): each industry's work team — the lead unit's leader in charge and its
contact, and the contacts of a few responsible units — saved by the lead unit's demo account,
each contact with the unit's demo account so that reminders reach them."""

import random

from django.db import transaction

from accounts.models import User
from chains.choices import UnitRole
from chains.models import AssignmentUnit, Industry
from chains.teams import services
from chains.teams.models import TeamMember

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林"
GIVEN = ["建华", "志强", "晓燕", "海峰", "丽娟", "国平", "文斌", "雅琴", "振宇", "明辉"]


@transaction.atomic
def teams_demo() -> int:
    if TeamMember.objects.filter(is_demo=True).exists():
        return 0
    rng = random.Random(4464)
    accounts = {}
    for user in User.objects.filter(unit__isnull=False, is_demo=True).order_by("pk"):
        accounts.setdefault(user.unit_id, user)
    made = 0
    for industry in Industry.objects.select_related("assignment").order_by("position"):
        links = list(
            AssignmentUnit.objects.filter(assignment_id=industry.assignment_id)
            .select_related("unit")
            .order_by("role", "position")
        )
        lead = next((link.unit for link in links if link.role == UnitRole.LEAD), None)
        keeper = accounts.get(lead.pk) if lead else None
        if keeper is None:
            continue

        def person():
            return rng.choice(SURNAMES) + rng.choice(GIVEN)

        members = [
            {
                "unit": lead,
                "role": "leader",
                "name": person(),
                "title": "副局长",
                "phone": f"0592-{rng.randint(2000000, 8999999)}",
                "user": None,
            },
            {
                "unit": lead,
                "role": "contact",
                "name": person(),
                "title": "产业处处长",
                "phone": f"139{rng.randint(10000000, 99999999)}",
                "user": keeper,
            },
        ]
        responsible = [link.unit for link in links if link.role == UnitRole.RESPONSIBLE]
        for unit in rng.sample(responsible, min(3, len(responsible))):
            members.append(
                {
                    "unit": unit,
                    "role": "contact",
                    "name": person(),
                    "title": "科长",
                    "phone": f"138{rng.randint(10000000, 99999999)}",
                    "user": accounts.get(unit.pk),
                }
            )
        saved = services.roster_save(
            industry=industry,
            user=keeper,
            version=industry.team_changes.count(),
            members=members,
        )
        TeamMember.objects.filter(pk__in=[m.pk for m in saved]).update(is_demo=True)
        made += 1
    return made
