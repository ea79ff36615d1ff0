"""Demo only (`make run`): the register's projects come from the demo monthly updates (their
lines are registered when each update is submitted); this fills in what an update does not
carry — investor, district and carrier, land needed, the planned land supply month (供地时序计划)
and the land items supplying it — through the register's own service, so the history shows
the change. Never dated in the future: a month of land supply for a project already under way
is in the past, only a planned or signed project's may lie ahead (it is a plan)."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from accounts.models import User
from chains.matrix.demo import DEMO_FIRST
from chains.models import CarrierArea
from reporting.choices import LandKind, ProjectStage
from reporting.models import LandItem, Project
from reporting.projects import services

INVESTORS = [
    "科技股份有限公司",
    "新能源有限公司",
    "集团有限公司",
    "产业投资有限公司",
    "智能制造有限公司",
]
CITIES = ["厦门", "深圳", "上海", "苏州", "合肥", "杭州"]


def _month(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@transaction.atomic
def projects_demo(today: datetime.date) -> int:
    """Complete the demo projects registered by the demo updates. Run again, it adds nothing."""
    Project.objects.filter(events__update__is_demo=True).update(is_demo=True)
    projects = list(
        Project.objects.filter(is_demo=True, investor="")
        .select_related("industry", "responsible_unit")
        .order_by("pk")
    )
    rng = random.Random(4461)
    staff = {}
    for user in User.objects.filter(unit__isnull=False, is_active=True).order_by(*DEMO_FIRST):
        staff.setdefault(user.unit_id, user)
    carriers = {}
    for carrier in CarrierArea.objects.select_related("unit").prefetch_related("industries"):
        for industry in carrier.industries.all():
            carriers.setdefault(industry.pk, []).append(carrier)
    supplied = {}
    for item in LandItem.objects.filter(is_demo=True, kind=LandKind.SUPPLIED).order_by("pk"):
        supplied.setdefault((item.industry_id, item.carrier_id), []).append(item)
    done = 0
    for project in projects:
        user = staff.get(project.responsible_unit_id)
        if user is None:
            continue
        carrier = (
            rng.choice(carriers[project.industry_id]) if project.industry_id in carriers else None
        )
        land_mu = Decimal(rng.randint(2, 30) * 10)
        if project.stage in (ProjectStage.PLANNING, ProjectStage.SIGNED):
            month = _month(today, rng.randint(1, 9))  # planned supply ahead
        else:
            month = _month(project.started_on or project.stage_since, -rng.randint(1, 4))
        land = supplied.get((project.industry_id, carrier.pk if carrier else None), [])
        services.project_change(
            project=project,
            user=user,
            version=project.version,
            on=project.stage_since,
            stage=project.stage,
            investor=f"{rng.choice(CITIES)}{project.name[:2]}{rng.choice(INVESTORS)}",
            carrier=carrier,
            district=carrier.unit if carrier else None,
            land_mu=land_mu,
            land_supply_month=month,
            land_items=land[:1] if project.stage not in (ProjectStage.PLANNING,) else [],
        )
        done += 1
    return done
