"""Twelve months of plausible monthly updates, so a new user of `make run` sees a living
portal. Everything goes through the services (so history is real) and is marked is_demo."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Notification, User
from chains.matrix.demo import DEMO_FIRST
from chains.models import Unit
from portal.dataversion import data_changed, topics
from reporting.choices import ProblemType, ProjectStage
from reporting.models import (
    Contribution,
    MonthlyUpdate,
    Project,
    ProjectEvent,
    ReportingPeriod,
    UpdateEvent,
)
from reporting.periods import services as periods_services
from reporting.updates import services
from reporting.updates.selectors import lead_pairs

ELEMENTS = {
    "progress_organisation": "召开{industry}工作专班会议{n}次，会同责任单位梳理重点任务清单，明确分工和时间节点。",
    "progress_roadmap": "修订{industry}发展路线图，聚焦{segment}等细分领域，完成产业链图谱更新。",
    "progress_policy": "兑现{industry}扶持资金{amount}亿元，惠及企业{firms}家；起草“一产业一政策”实施细则。",
    "progress_platform": "推进{park}建设，新增载体面积{area}万平方米，智库平台开展专题研究{n}项。",
    "progress_projects": "谋划储备项目{n}个，总投资{amount}亿元，其中{started}个项目已开工。",
    "progress_investment": "开展精准招商活动{n}场，对接重点企业{firms}家，新签约项目{signed}个。",
}

SEGMENTS = [
    "集成电路",
    "新型显示",
    "高端装备",
    "现代物流",
    "数字金融",
    "创新药",
    "先进材料",
    "储能",
]

PARKS = ["火炬高新区", "集美软件园三期", "海沧生物医药港", "翔安数字经济产业园", "同安工业集中区"]


def _text(industry, rng, signed: int):
    return {
        field: template.format(
            industry=industry.name,
            n=rng.randint(1, 6),
            segment=rng.choice(SEGMENTS),
            amount=rng.randint(2, 60),
            firms=rng.randint(5, 80),
            park=rng.choice(PARKS),
            area=rng.randint(1, 30),
            started=rng.randint(1, 5),
            signed=signed,  # the text says what the figure says
        )
        for field, template in ELEMENTS.items()
    } | {
        "suggestions": "建议市级层面统筹协调用地指标和人才住房保障。",
        "next_plan": f"下月继续推进{industry.name}重点项目落地，跟踪在谈项目签约。",
    }


def _figures(rng, following: dict | None) -> dict:
    """签约项目数 and 签约金额 (亿元) for a month. The months are seeded newest first, so each
    one moves from the month after it by at most half or double: a plausible series, never
    near the tenfold jump the form asks the unit to confirm (figures.py)."""
    if following is None:
        return {
            "projects_signed": rng.randint(2, 9),
            "signed_amount": Decimal(rng.randint(20, 120)),
        }
    count = following["projects_signed"] + rng.randint(-2, 2)
    amount = following["signed_amount"] * Decimal(rng.uniform(0.5, 2))
    return {
        "projects_signed": min(max(count, 1), 9),
        "signed_amount": min(max(amount, Decimal(5)), Decimal(200)).quantize(Decimal("0.01")),
    }


# How a project moves on in a month: the next stage, and the odds it gets there.
NEXT_STAGE = {
    ProjectStage.PLANNING: (ProjectStage.SIGNED, 0.3),
    ProjectStage.SIGNED: (ProjectStage.CONSTRUCTION, 0.25),
    ProjectStage.CONSTRUCTION: (ProjectStage.OPERATING, 0.12),
    ProjectStage.PAUSED: (ProjectStage.CONSTRUCTION, 0.3),
}

PROGRESS = {
    ProjectStage.PLANNING: "完成项目可研，正在对接投资方。",
    ProjectStage.SIGNED: "已签约，正在办理用地和立项手续。",
    ProjectStage.CONSTRUCTION: "主体工程施工中，完成年度投资计划的{n}%。",
    ProjectStage.OPERATING: "首条产线投产，逐步爬坡达产。",
    ProjectStage.PAUSED: "投资方调整投资计划，项目暂缓推进。",
}


def _project(industry, rng) -> dict:
    """A new key project of the industry, planned or just signed (the register takes it in
    when the update is accepted)."""
    number = rng.randint(1, 99)
    stage = rng.choice([ProjectStage.PLANNING, ProjectStage.SIGNED])
    return {
        "name": f"{industry.name.removesuffix('产业集群').removesuffix('产业')}重点项目{number}号",
        "stage": stage,
        "investment": Decimal(5 + number * 7 % 76),
        "progress": PROGRESS[stage].format(n=0),
    }


def _project_lines(update, industry, rng) -> list[dict]:
    """This month's lines: the register's projects carried into the update, each moved on a
    stage now and then (rarely paused), and sometimes a new one."""
    lines = []
    for line in update.key_projects.all():
        stage = line.stage
        following, odds = NEXT_STAGE.get(stage, (stage, 0))
        roll = rng.random()
        if roll < odds:
            stage = following
        elif stage == ProjectStage.CONSTRUCTION and roll > 0.98:
            stage = ProjectStage.PAUSED
        lines.append(
            {
                "project": line.project_id,
                "name": line.name,
                "stage": stage,
                "investment": line.investment,
                "progress": PROGRESS[stage].format(n=rng.randint(20, 90)),
            }
        )
    if len(lines) < 2 or rng.random() < 0.3:
        new = _project(industry, rng)
        if new["name"] not in {line["name"] for line in lines}:
            lines.append(new)
    return lines


def demo_now(today: datetime.date) -> datetime.datetime:
    """The latest moment demo data may carry: now, or the end of `today` when seeding as of an
    earlier day. Demo data never lies in the future: a filing whose plausible time has not come
    yet is simply not filed yet."""
    now = timezone.now()
    if today < timezone.localdate(now):
        return timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59)))
    return now


def _backdate(update: MonthlyUpdate, when: datetime.datetime, now: datetime.datetime) -> None:
    """Demo only: pretend the update was written and filed at a plausible time, not at seeding
    time; the DRC reviewed it a day later (or by now, whichever came first)."""
    started = when - datetime.timedelta(days=3)
    reviewed = min(when + datetime.timedelta(days=1), now)
    MonthlyUpdate.objects.filter(pk=update.pk).update(
        first_submitted_at=when, submitted_at=when, created_at=started, updated_at=reviewed
    )
    MonthlyUpdate.objects.filter(pk=update.pk, accepted_at__isnull=False).update(
        accepted_at=reviewed
    )
    UpdateEvent.objects.filter(update=update).update(at=when)
    UpdateEvent.objects.filter(update=update, kind__in=["accepted", "returned"]).update(at=reviewed)
    UpdateEvent.objects.filter(update=update, kind="created").update(at=started)
    Contribution.objects.filter(update=update).update(created_at=started)
    ProjectEvent.objects.filter(update=update).update(at=when)
    Project.objects.filter(events__update=update, events__kind="created").update(created_at=when)


@transaction.atomic
def demo_updates_seed(today: datetime.date | None = None, months: int = 12) -> int:
    today = today or periods_services.today()
    if MonthlyUpdate.objects.filter(is_demo=True).exists():
        return 0
    now = demo_now(today)
    periods_services.periods_ensure(today, months_back=months)
    periods = list(
        ReportingPeriod.objects.filter(models_q_before(today)).order_by("-year", "-month")[
            1 : months + 1
        ]
    )  # completed months, newest first
    rng = random.Random(446)
    reviewer = User.objects.filter(role=Role.DRC, unit__isnull=False).order_by(*DEMO_FIRST).first()
    contributor_unit = Unit.objects.filter(name="思明区").first()
    contributor = User.objects.filter(unit=contributor_unit).order_by(*DEMO_FIRST).first()
    created = 0
    figures_rng = random.Random(447)  # the figures draw from their own stream
    pairs = list(lead_pairs())
    # The figures, newest month first: each month's moves from the month after it.
    figures_of: dict[tuple[int, int, int], dict] = {}
    following: dict[tuple[int, int], dict] = {}
    for period in periods:
        for industry, unit in pairs:
            figures = _figures(figures_rng, following.get((industry.pk, unit.pk)))
            figures_of[period.pk, industry.pk, unit.pk] = following[industry.pk, unit.pk] = figures
    # The updates, oldest month first: the project register moves forward in time.
    for age, period in reversed(list(enumerate(periods))):
        for industry, unit in pairs:
            filer = User.objects.filter(unit=unit).order_by(*DEMO_FIRST).first()
            if filer is None:
                continue
            if age == 0 and rng.random() < 0.25:
                continue  # not started: overdue in the latest month
            update = services.update_start(
                industry=industry, unit=unit, period=period, user=filer, carry_over=False
            )
            # Demo only: these months are past their lock date; open them while seeding.
            MonthlyUpdate.objects.filter(pk=update.pk).update(is_demo=True, reopened_until=today)
            update.reopened_until = today
            figures = figures_of[(period.pk, industry.pk, unit.pk)]
            content = services.UpdateContent(
                fields=_text(industry, rng, figures["projects_signed"]) | figures,
                key_projects=_project_lines(update, industry, rng),
                problems=[
                    {
                        "description": "项目用地指标紧张，需协调解决。",
                        "type": rng.choice(ProblemType.values),
                        "concerned": "重点项目",
                        "needs_meeting": rng.random() < 0.3,
                    }
                ]
                if rng.random() < 0.5
                else [],
            )
            update = services.update_save(
                update=update, content=content, expected_version=update.version, user=filer
            )
            if (
                contributor
                and industry.assignment.unit_links.filter(unit=contributor_unit).exists()
                and rng.random() < 0.3
            ):
                services.contribution_add(
                    update=update,
                    user=contributor,
                    text="思明区本月新增签约项目2个，已纳入市级项目库。",
                )
            if age == 0 and rng.random() < 0.3:
                created += 1
                continue  # still a draft
            late = rng.random() < 0.15
            when = timezone.make_aware(
                datetime.datetime.combine(period.deadline, datetime.time(10))
            ) + datetime.timedelta(days=rng.randint(1, 4) if late else -rng.randint(0, 3))
            if when > now:
                # Its plausible filing time has not come yet (the month is not due, or it is
                # overdue and still unfiled): a draft, never a submission stamped in the future.
                created += 1
                continue
            update = services.update_submit(
                update=update, user=filer, expected_version=services._reload(update.pk).version
            )
            if reviewer and (age > 0 or rng.random() < 0.5):
                if rng.random() < 0.1 and age == 0:
                    services.update_return(
                        update=update, user=reviewer, reason="请补充本月重点项目的投资进度。"
                    )
                else:
                    services.update_accept(update=update, user=reviewer)
            _backdate(update, when, now)
            created += 1
    MonthlyUpdate.objects.filter(is_demo=True).update(reopened_until=None)
    # Drafts were written "now": when seeding as of an earlier day, that is the end of it.
    MonthlyUpdate.objects.filter(is_demo=True, created_at__gt=now).update(created_at=now)
    MonthlyUpdate.objects.filter(is_demo=True, updated_at__gt=now).update(updated_at=now)
    UpdateEvent.objects.filter(update__is_demo=True, at__gt=now).update(at=now)
    Contribution.objects.filter(update__is_demo=True, created_at__gt=now).update(created_at=now)
    ProjectEvent.objects.filter(at__gt=now).update(at=now)
    Project.objects.filter(created_at__gt=now).update(created_at=now)
    data_changed(topics.WORK)  # written around the services just above: My work shows them
    # The notices the seeding sends (after commit) are history, not news.
    transaction.on_commit(
        lambda: Notification.objects.filter(read_at__isnull=True).update(read_at=timezone.now())
    )
    return created


def models_q_before(today):
    from django.db.models import Q

    return Q(year__lt=today.year) | Q(year=today.year, month__lte=today.month)


PLAN_TASKS = [
    ("organisation", "会同责任单位完善产业工作班子，每季度召开一次推进会", None, ""),
    ("roadmap", "修订产业发展路线图，更新重点细分领域图谱", None, ""),
    ("policy", "兑现产业扶持资金", Decimal("2.5"), "亿元"),
    ("platform", "新增产业载体面积", Decimal("20"), "万平方米"),
    ("projects", "策划生成重点项目", Decimal("30"), "个"),
    ("investment", "新签约亿元以上招商项目", Decimal("12"), "个"),
]
