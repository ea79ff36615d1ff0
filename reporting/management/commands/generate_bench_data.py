"""`python manage.py generate_bench_data --years 10`: a data set the size of a decade of the
portal, for the benchmarks: 14 industries with ~80 sub-segments, the six districts, 3,000 key
enterprises with monthly figures (~360,000 enterprise-months), every monthly update with
problems, supervised items with their history, chases and comments, written in bulk. Refuses to run on a database that already holds updates."""

import datetime
import random

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from chains import creditcode
from chains.choices import UnitKind
from chains.models import (
    AssignmentUnit,
    CarrierArea,
    Enterprise,
    EnterpriseFigure,
    EnterpriseTier,
    FigureImport,
    Indicator,
    Industry,
    IndustryFigure,
    LeadingIndustry,
    Policy,
    PolicyEvaluation,
    SubSegment,
    TeamMember,
    Unit,
)
from portal.months import months_before
from reporting.choices import SIX_ELEMENTS, ActionSource, UpdateStatus
from reporting.models import (
    ActionChase,
    ActionEvent,
    ActionItem,
    Comment,
    InnovationPlatform,
    InvestmentLead,
    KeyProject,
    LandItem,
    LeadEvent,
    MonthlyUpdate,
    PlanItem,
    PlanProgress,
    Problem,
    Project,
    ProjectEvent,
    ReportingPeriod,
    ResultTransfer,
    TalentIntake,
    TechMilestone,
    TechProject,
    WorkPlan,
)
from reporting.periods.services import period_defaults
from reporting.periods.workdays import WorkCalendar
from reporting.plans.services import plan_year_get_or_create
from reporting.supervision.chasing import chase_key
from reporting.updates.selectors import lead_pairs

SEGMENTS_PER_INDUSTRY = 6


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--enterprises", type=int, default=3000)

    def handle(self, *args, years, enterprises, **options):
        if MonthlyUpdate.objects.exists():
            raise CommandError("这个数据库里已有月度进展：基准数据只生成在空库中。")
        call_command("load_matrix", verbosity=0)
        call_command("load_indicators", verbosity=0)
        started = timezone.now()
        with transaction.atomic():
            counts = generate(years=years, enterprises=enterprises)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            self.style.SUCCESS(
                f"基准数据已生成（{seconds:.1f} 秒）："
                + "，".join(f"{k} {v:,}" for k, v in counts.items())
            )
        )


def generate(*, years: int, enterprises: int) -> dict:
    rng = random.Random(10)
    industries = list(Industry.objects.all())
    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT))
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", password="bench-password-1234"
    )
    months = months_before(timezone.localdate(), years * 12)
    calendar = WorkCalendar()
    ReportingPeriod.objects.bulk_create(
        [ReportingPeriod(year=y, month=m, **period_defaults(y, m, calendar)) for y, m in months],
        ignore_conflicts=True,
    )
    periods = {(p.year, p.month): p for p in ReportingPeriod.objects.all()}
    SubSegment.objects.bulk_create(
        [
            SubSegment(industry=i, name=f"{i.name[:4]}细分{n + 1}", position=n)
            for i in industries
            for n in range(SEGMENTS_PER_INDUSTRY)
        ],
        ignore_conflicts=True,
    )
    segments = list(SubSegment.objects.all())

    pairs = lead_pairs()
    updates = []
    for y, m in months:
        period = periods[(y, m)]
        submitted = timezone.make_aware(
            datetime.datetime.combine(period.deadline, datetime.time(10))
        )
        for industry, unit in pairs:
            updates.append(
                MonthlyUpdate(
                    industry=industry,
                    unit=unit,
                    period=period,
                    status=UpdateStatus.ACCEPTED,
                    version=4,
                    first_submitted_at=submitted - datetime.timedelta(days=rng.randint(-2, 3)),
                    submitted_at=submitted,
                    accepted_at=submitted,
                    progress_organisation="召开专班会议。",
                    next_plan="继续推进。",
                    created_by=admin,
                )
            )
    MonthlyUpdate.objects.bulk_create(updates, batch_size=2000)
    update_ids = list(MonthlyUpdate.objects.values_list("pk", flat=True))
    Problem.objects.bulk_create(
        [
            Problem(
                update_id=pk,
                description="用地指标紧张",
                type=rng.choice(
                    ["land", "funding", "talent", "approvals", "energy", "market", "other"]
                ),
                needs_meeting=rng.random() < 0.2,
                status=rng.choice(["open", "resolved", "resolved"]),
            )
            for pk in update_ids[::3]
        ],
        batch_size=2000,
    )

    source = FigureImport.objects.create(
        kind="enterprise_figures",
        status="applied",
        original_name="bench.xlsx",
        sha256="0" * 64,
        uploaded_by=admin,
        file="bench/none.xlsx",
    )
    companies = []
    for n in range(enterprises):
        segment = rng.choice(segments)
        companies.append(
            Enterprise(
                credit_code=creditcode.generate(rng, prefix="9135020"),
                name=f"基准企业{n:04d}",
                industry_id=segment.industry_id,
                subsegment=segment,
                district=rng.choice(districts),
                above_size=rng.random() < 0.7,
            )
        )
    Enterprise.objects.bulk_create(companies, batch_size=2000, ignore_conflicts=True)
    enterprise_ids = list(Enterprise.objects.values_list("pk", flat=True))
    EnterpriseTier.objects.bulk_create(
        [
            EnterpriseTier(
                enterprise_id=pk,
                tier=rng.choice(
                    ["high_tech", "little_giant", "unicorn", "hidden_champion", "single_champion"]
                ),
                year=rng.randint(2016, 2025),
            )
            for pk in enterprise_ids
            if rng.random() < 0.4
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    revenue = Indicator.objects.get(code="revenue-month")
    EnterpriseFigure.objects.bulk_create(
        (
            EnterpriseFigure(
                source=source,
                indicator=revenue,
                enterprise_id=pk,
                year=y,
                month=m,
                value=rng.randint(100, 90000),
            )
            for pk in enterprise_ids
            for (y, m) in months
        ),
        batch_size=5000,
    )
    output = Indicator.objects.get(code="output-month")
    figures = []
    for industry in industries:
        own = [s for s in segments if s.industry_id == industry.pk]
        for y, m in months:
            figures.append(
                IndustryFigure(
                    source=source,
                    indicator=output,
                    industry=industry,
                    year=y,
                    month=m,
                    value=rng.randint(50000, 900000),
                )
            )
            figures += [
                IndustryFigure(
                    source=source,
                    indicator=output,
                    industry=industry,
                    district=d,
                    year=y,
                    month=m,
                    value=rng.randint(1000, 90000),
                )
                for d in districts
            ]
            figures += [
                IndustryFigure(
                    source=source,
                    indicator=output,
                    industry=industry,
                    subsegment=s,
                    year=y,
                    month=m,
                    value=rng.randint(1000, 90000),
                )
                for s in own
            ]
    IndustryFigure.objects.bulk_create(figures, batch_size=5000)
    registers = _registers(rng, admin, industries, months, pairs)
    registers.update(_projects(rng, admin, months, pairs, periods))
    registers.update(_leads_platforms_teams(rng, admin, industries, months, pairs))
    supervised = _supervision(rng, admin, industries, months)
    return {
        **registers,
        **supervised,
        "months": len(months),
        "updates": len(updates),
        "problems": len(update_ids[::3]),
        "enterprises": len(enterprise_ids),
        "enterprise-months": len(enterprise_ids) * len(months),
        "industry figures": len(figures),
    }


def _registers(rng, admin, industries, months, pairs) -> dict:
    """Every year's work plans (each lead unit per industry, each district and zone its own)
    with monthly progress; land items; leading industries and carrier areas; policies."""
    places = list(Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]))
    LeadingIndustry.objects.bulk_create(
        [LeadingIndustry(unit=u, industry=i) for u in places for i in rng.sample(industries, 3)],
        ignore_conflicts=True,
    )
    for n, unit in enumerate(places):
        area = CarrierArea.objects.create(
            name=f"基准载体{n}", kind="main", unit=unit, area_mu=rng.randint(500, 20000)
        )
        area.industries.set(rng.sample(industries, 2))
    years = sorted({y for y, _m in months})
    plans = []
    for year in years:
        plan_year = plan_year_get_or_create(year)
        submitted = timezone.make_aware(datetime.datetime(year, 1, 20, 10))
        owners = [(unit, industry) for industry, unit in pairs] + [(u, None) for u in places]
        plans += [
            WorkPlan(
                unit=unit,
                industry=industry,
                plan_year=plan_year,
                status=UpdateStatus.ACCEPTED,
                first_submitted_at=submitted,
                submitted_at=submitted,
                accepted_at=submitted,
                created_by=admin,
            )
            for unit, industry in owners
        ]
    WorkPlan.objects.bulk_create(plans, batch_size=2000)
    plans = list(WorkPlan.objects.select_related("plan_year"))
    PlanItem.objects.bulk_create(
        [
            PlanItem(
                plan=plan,
                element=element,
                task="推进重点任务",
                responsible_id=plan.unit_id,
                due_month=rng.choice([3, 6, 9, 12]),
                position=n,
            )
            for plan in plans
            for n, element in enumerate([s.value for s in SIX_ELEMENTS])
        ],
        batch_size=5000,
    )
    in_months = {}
    for y, m in months:
        in_months.setdefault(y, []).append(m)
    progress = [
        PlanProgress(
            item_id=item_id, year=year, month=m, percent=min(100, m * 9), recorded_by=admin
        )
        for item_id, year in PlanItem.objects.values_list("pk", "plan__plan_year__year")
        for m in in_months.get(year, [])
    ]
    PlanProgress.objects.bulk_create(progress, batch_size=5000)
    land = [
        LandItem(
            unit=unit,
            industry=rng.choice(industries),
            year=y,
            month=m,
            kind=rng.choice(["supplied", "mixed_use", "standard_land", "factory", "unsupplied"]),
            name="基准地块",
            area=rng.randint(5, 300),
            area_unit=rng.choice(["mu", "m2"]),
            status=rng.choice(["planned", "in_progress", "done"]),
            created_by=admin,
        )
        for y, m in months
        for unit in places
    ]
    LandItem.objects.bulk_create(land, batch_size=5000)
    issuer = Unit.objects.get(name="市工信局")
    for industry in industries:
        for year in years[-4:]:
            policy = Policy.objects.create(
                industry=industry,
                title=f"{industry.name}扶持政策（{year}）",
                issuer=issuer,
                issued_on=datetime.date(year, 3, 1),
                instruments=["fiscal", "financial"],
                budget=rng.randint(1000, 50000),
                created_by=admin,
            )
            PolicyEvaluation.objects.create(
                policy=policy,
                evaluated_on=datetime.date(year, 12, 1),
                concentration=rng.randint(50, 95),
                precision=rng.randint(50, 95),
                fit=rng.randint(50, 95),
                evaluator=admin,
            )
    return {
        "work plans": len(plans),
        "plan progress": len(progress),
        "land items": len(land),
    }


STAGE_STEPS = {
    "planning": ("signed", 0.3),
    "signed": ("construction", 0.2),
    "construction": ("operating", 0.08),
}


def _projects(rng, admin, months, pairs, periods) -> dict:
    """The project register: each lead unit registers a project most months; each project
    moves on a stage now and then, and every month's accepted update reports each project
    still followed (a line and a history entry), as the monthly form does."""
    updates = {
        (u.industry_id, u.unit_id, u.period_id): u.pk
        for u in MonthlyUpdate.objects.only("pk", "industry_id", "unit_id", "period_id")
    }
    districts = list(Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]))
    lines, events, registered, count = [], [], [], 0
    for industry, unit in pairs:
        active = []
        for y, m in months:
            period = periods[(y, m)]
            day = datetime.date(y, m, 28)
            if rng.random() < 0.6:
                project = Project.objects.create(
                    industry=industry,
                    name=f"{industry.name[:4]}基准项目{count}",
                    investor=f"基准投资方{count % 97}",
                    district=rng.choice(districts),
                    investment=rng.randint(1, 200),
                    stage="planning",
                    stage_since=day,
                    responsible_unit=unit,
                    created_by=admin,
                )
                count += 1
                registered.append(project)
                events.append(
                    ProjectEvent(project=project, kind="created", actor=admin, stage_to="planning")
                )
                active.append(project)
            update_id = updates[(industry.pk, unit.pk, period.pk)]
            for n, project in enumerate(active):
                before = project.stage
                following, odds = STAGE_STEPS.get(before, (before, 0))
                if rng.random() < odds:
                    project.stage, project.stage_since = following, day
                lines.append(
                    KeyProject(
                        update_id=update_id,
                        project=project,
                        name=project.name,
                        stage=project.stage,
                        investment=project.investment,
                        progress="按计划推进。",
                        position=n,
                    )
                )
                events.append(
                    ProjectEvent(
                        project=project,
                        kind="reported",
                        actor=admin,
                        update_id=update_id,
                        stage_from=before,
                        stage_to=project.stage,
                        progress="按计划推进。",
                    )
                )
            active = [p for p in active if p.stage != "operating"]
    Project.objects.bulk_update(registered, ["stage", "stage_since"], batch_size=2000)
    KeyProject.objects.bulk_create(lines, batch_size=5000)
    ProjectEvent.objects.bulk_create(events, batch_size=5000)
    return {"projects": count, "project lines": len(lines)}


def _leads_platforms_teams(rng, admin, industries, months, pairs) -> dict:
    """Investment leads (each district several a month, most dropped or signed in time, a few
    courted twice), innovation platforms and research projects with milestones, each month's
    transfers and talent, and each industry's work team."""
    places = list(Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.ZONE]))
    leads, events = [], []
    stages = ["lead", "talks", "signed", "landed", "dropped", "dropped"]
    for n, (y, m) in enumerate(months):
        for unit in places:
            for _k in range(3):
                stage = rng.choice(stages) if n < len(months) - 3 else rng.choice(stages[:2])
                target = f"基准企业{rng.randint(0, 400)}"
                leads.append(
                    InvestmentLead(
                        target=target,
                        target_key=target.lower(),
                        source=rng.choice(["referral", "fair", "visit", "office"]),
                        industry=rng.choice(industries),
                        district=unit,
                        unit=unit,
                        expected_investment=rng.randint(1, 100),
                        stage=stage,
                        next_step="继续洽谈",
                        drop_reason="企业转投他市" if stage == "dropped" else "",
                        signed_on=datetime.date(y, m, 20)
                        if stage in ("signed", "landed")
                        else None,
                        created_by=admin,
                    )
                )
    InvestmentLead.objects.bulk_create(leads, batch_size=5000)
    for lead_id, stage in InvestmentLead.objects.values_list("pk", "stage"):
        events.append(LeadEvent(lead_id=lead_id, kind="created", actor=admin, stage_to="lead"))
        if stage != "lead":
            events.append(
                LeadEvent(
                    lead_id=lead_id, kind="stage", actor=admin, stage_from="lead", stage_to=stage
                )
            )
    LeadEvent.objects.bulk_create(events, batch_size=5000)
    years = sorted({y for y, _m in months})
    platforms = [
        InnovationPlatform(
            industry=industry,
            unit=unit,
            name=f"{industry.name[:4]}创新平台{n}",
            level=rng.choice(["national", "provincial", "municipal"]),
            kind=rng.choice(["key_lab", "engineering", "new_rd", "think_tank"]),
            host="基准依托单位",
            district=rng.choice(places),
            status="recognised",
            year=rng.choice(years),
            created_by=admin,
        )
        for industry, unit in pairs
        for n in range(len(years))
    ]
    InnovationPlatform.objects.bulk_create(platforms)
    research = []
    for industry, unit in pairs:
        for y in years:
            research.append(
                TechProject(
                    industry=industry,
                    unit=unit,
                    name=f"{industry.name[:4]}攻关{y}",
                    lead_org="基准企业",
                    district=rng.choice(places),
                    budget=rng.randint(100, 5000),
                    start_on=datetime.date(y, 1, 1),
                    end_on=datetime.date(y + 1, 12, 31),
                    status="done" if y < years[-1] else "in_progress",
                    created_by=admin,
                )
            )
    TechProject.objects.bulk_create(research)
    TechMilestone.objects.bulk_create(
        [
            TechMilestone(
                project=p,
                title=f"节点{q}",
                due_on=p.start_on + datetime.timedelta(days=90 * q),
                done_on=p.start_on + datetime.timedelta(days=90 * q + 5)
                if p.status == "done"
                else None,
            )
            for p in TechProject.objects.all()
            for q in range(1, 5)
        ]
    )
    transfers, talent = [], []
    for industry, unit in pairs:
        for y, m in months:
            transfers.append(
                ResultTransfer(
                    industry=industry,
                    unit=unit,
                    year=y,
                    month=m,
                    enterprise="基准承接企业",
                    district=rng.choice(places),
                    title="基准成果",
                    count=rng.randint(1, 4),
                    contract_value=rng.randint(10, 900),
                    created_by=admin,
                )
            )
            talent.append(
                TalentIntake(
                    industry=industry,
                    unit=unit,
                    year=y,
                    month=m,
                    kind=rng.choice(["leading", "skilled", "international"]),
                    count=rng.randint(1, 20),
                    district=rng.choice([*places, None]),
                    created_by=admin,
                )
            )
    ResultTransfer.objects.bulk_create(transfers, batch_size=5000)
    TalentIntake.objects.bulk_create(talent, batch_size=5000)
    members = []
    for industry in industries:
        for link in AssignmentUnit.objects.filter(assignment_id=industry.assignment_id):
            members += [
                TeamMember(
                    industry=industry,
                    unit_id=link.unit_id,
                    role="leader",
                    name="基准领导",
                    position=0,
                ),
                TeamMember(
                    industry=industry,
                    unit_id=link.unit_id,
                    role="contact",
                    name="基准联络员",
                    position=1,
                ),
            ]
    TeamMember.objects.bulk_create(members)
    return {
        "leads": len(leads),
        "platforms": len(platforms),
        "research projects": len(research),
        "transfers": len(transfers),
        "team members": len(members),
    }


def _supervision(rng, admin, industries, months) -> dict:
    """Supervised items: each month one or two per industry, assigned from one of its problems
    by the DRC, to a lead unit with a co-unit; older ones closed (some late), some cancelled,
    recent ones open at each step; each with its history and the chases it would have had."""
    units = list(Unit.objects.filter(kind=UnitKind.MUNICIPAL))
    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT))
    problems = {}
    for pk, industry_id in Problem.objects.values_list("pk", "update__industry_id"):
        problems.setdefault(industry_id, []).append(pk)
    today = timezone.localdate()
    items = []
    for y, m in months:
        assigned = timezone.make_aware(datetime.datetime(y, m, 10, 9))
        for industry in industries:
            for _n in range(rng.choice([1, 2])):
                deadline = assigned.date() + datetime.timedelta(days=rng.choice([20, 30, 45]))
                age = (today - deadline).days
                if age > 60:
                    status = rng.choice(["closed"] * 8 + ["cancelled"])
                elif age > 0:
                    status = rng.choice(["closed", "in_progress", "reported", "assigned"])
                else:
                    status = rng.choice(["assigned", "in_progress", "in_progress", "reported"])
                late = rng.random() < 0.2
                reported = deadline + datetime.timedelta(days=rng.randint(1, 9) if late else -3)
                reported_at = timezone.make_aware(
                    datetime.datetime.combine(min(reported, today), datetime.time(15))
                )
                items.append(
                    ActionItem(
                        industry=industry,
                        source=ActionSource.PROBLEM,
                        problem_id=rng.choice(problems.get(industry.pk, [None])),
                        decision=f"{industry.name[:4]}{y}年{m}月交办：协调解决用地和审批问题",
                        unit=rng.choice(units),
                        deadline=deadline,
                        status=status,
                        assigned_at=assigned,
                        acknowledged_at=assigned if status != "assigned" else None,
                        reported_at=reported_at if status in ("reported", "closed") else None,
                        closed_at=reported_at + datetime.timedelta(days=2)
                        if status in ("closed", "cancelled")
                        else None,
                        evidence="已落实，见批复文件" if status in ("reported", "closed") else "",
                    )
                )
    ActionItem.objects.bulk_create(items, batch_size=2000)
    items = list(ActionItem.objects.select_related("unit"))
    links = [
        ActionItem.co_units.through(actionitem_id=item.pk, unit_id=rng.choice(districts).pk)
        for item in items
    ]
    ActionItem.co_units.through.objects.bulk_create(links, batch_size=5000)
    kinds = {
        "assigned": ["created"],
        "in_progress": ["created", "acknowledged", "progress", "progress"],
        "reported": ["created", "acknowledged", "progress", "co_input", "reported"],
        "closed": ["created", "acknowledged", "progress", "co_input", "reported", "closed"],
        "cancelled": ["created", "acknowledged", "cancelled"],
    }
    events = [
        ActionEvent(action=item, kind=kind, actor=admin, text="办理情况说明")
        for item in items
        for kind in kinds[item.status]
    ]
    ActionEvent.objects.bulk_create(events, batch_size=5000)
    chases = []
    for item in items:
        if item.reported_at is None or item.reported_at.date() > item.deadline:
            steps = ["before", "due_today"] + (["overdue"] if item.deadline < today else [])
            chases += [
                ActionChase(
                    action=item,
                    step=step,
                    key=chase_key(item, step),
                    text="【督办】请抓紧办理",
                    recipients=2,
                )
                for step in steps
            ]
    ActionChase.objects.bulk_create(chases, batch_size=5000)
    comments = [
        Comment(action=item, author=admin, text=f"请@{item.unit.name} 加快办理（第{n + 1}条）")
        for item in items
        for n in range(rng.choice([0, 1, 3]))
    ] + [
        Comment(update_id=pk, author=admin, text="请补充重点项目投资额", section="projects")
        for pk in MonthlyUpdate.objects.values_list("pk", flat=True)[::4]
    ]
    Comment.objects.bulk_create(comments, batch_size=5000)
    return {
        "items": len(items),
        "item events": len(events),
        "chases": len(chases),
        "comments": len(comments),
    }
