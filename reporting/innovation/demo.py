"""Demo only (`make run`): each industry's innovation registers — platforms, key core
technology projects with milestones (most reached, one late, some ahead), and a year of
results transferred and talent introduced — recorded by its lead unit through the services.
Nothing is dated in the future but the milestones still to come."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from chains.choices import UnitRole
from chains.matrix.demo import DEMO_FIRST
from chains.models import AssignmentUnit, Industry, LeadingIndustry, Unit
from portal.months import months_before
from reporting.innovation import services
from reporting.models import (
    InnovationPlatform,
    ResultTransfer,
    TalentIntake,
    TechMilestone,
    TechProject,
)

PLATFORMS = [
    ("{short}国家重点实验室", "national", "key_lab", "厦门大学"),
    ("福建省{short}工程研究中心", "provincial", "engineering", "{short}龙头企业"),
    ("厦门{short}产业研究院", "municipal", "new_rd", "厦门市{short}产业研究院有限公司"),
    ("{short}产业发展智库", "municipal", "think_tank", "厦门市社会科学院"),
]
HOSTS = ["厦门大学", "华侨大学", "集美大学", "中国科学院城市环境研究所", "嘉庚创新实验室"]
MILESTONES = ["完成技术方案论证", "完成样机研制", "通过中试验证", "实现产业化应用"]


def _short(industry: Industry) -> str:
    return industry.name.removesuffix("产业集群").removesuffix("产业")


@transaction.atomic
def innovation_demo(today: datetime.date) -> int:
    if InnovationPlatform.objects.filter(is_demo=True).exists():
        return 0
    rng = random.Random(4463)
    started = timezone.now()
    staff = {}
    for user in User.objects.filter(unit__isnull=False, is_active=True).order_by(*DEMO_FIRST):
        staff.setdefault(user.unit_id, user)
    leads = {
        link.assignment_id: link.unit_id
        for link in AssignmentUnit.objects.filter(role=UnitRole.LEAD).order_by("-position")
    }
    months = months_before(today, 12)
    districts = list(Unit.objects.filter(kind="district").order_by("position"))
    leading: dict[int, list[Unit]] = {}
    for link in LeadingIndustry.objects.select_related("unit").order_by("unit__position"):
        leading.setdefault(link.industry_id, []).append(link.unit)
    made = 0
    for industry in Industry.objects.order_by("position"):
        user = staff.get(leads.get(industry.assignment_id))
        if user is None:
            continue
        short = _short(industry)
        # where the industry's enterprises are: the districts leading on it, else any district
        places = leading.get(industry.pk) or districts
        for name, level, kind, host in rng.sample(PLATFORMS, 2):
            services.record_add(
                user=user,
                model=InnovationPlatform,
                industry=industry,
                name=name.format(short=short),
                level=level,
                kind=kind,
                host=host.format(short=short) if "{" in host else rng.choice(HOSTS),
                district=rng.choice(places),
                status=rng.choice(["recognised", "building", "evaluated"]),
                year=today.year - rng.randint(0, 4),
            )
        start = datetime.date(today.year - 1, rng.randint(1, 12), 1)
        research = services.record_add(
            user=user,
            model=TechProject,
            industry=industry,
            name=f"{short}关键核心技术攻关",
            lead_org=f"厦门{short}龙头企业",
            district=rng.choice(places),
            budget=Decimal(rng.randint(5, 60) * 100),
            start_on=start,
            end_on=start.replace(year=start.year + 2),
        )
        for n, title in enumerate(MILESTONES):
            due = start + datetime.timedelta(days=120 * (n + 1))
            milestone = services.milestone_add(project=research, user=user, title=title, due_on=due)
            if due < today and rng.random() < 0.8:
                reached = min(due + datetime.timedelta(days=rng.randint(-20, 25)), today)
                services.milestone_reach(milestone=milestone, user=user, on=reached)
        for year, month in months:
            if rng.random() < 0.5:
                services.record_add(
                    user=user,
                    model=ResultTransfer,
                    industry=industry,
                    year=year,
                    month=month,
                    enterprise=f"厦门{short}科技有限公司",
                    district=rng.choice(places),
                    title=f"{short}成果转化项目",
                    count=rng.randint(1, 4),
                    contract_value=Decimal(rng.randint(50, 2000)),
                )
            if rng.random() < 0.6:
                services.record_add(
                    user=user,
                    model=TalentIntake,
                    industry=industry,
                    year=year,
                    month=month,
                    kind=rng.choice(["leading", "skilled", "skilled", "international"]),
                    count=rng.randint(1, 12),
                    # talent brought in by city-level programmes has no district
                    district=rng.choice([*places, None]),
                )
        made += 1
    for model in (InnovationPlatform, TechProject, ResultTransfer, TalentIntake):
        model.objects.filter(created_at__gte=started).update(is_demo=True)
    assert not TechMilestone.objects.filter(done_on__gt=today).exists()
    return made
