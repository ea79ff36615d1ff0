"""Demo only (`make run`): investment leads the districts and lead units follow, at every stage,
with 市招商办's guidance, one enterprise courted by two districts, and the signed ones in the
project register. Written through the services (so the history is real), then dated back to
plausible days in the last six months; nothing lies in the future."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from chains.matrix.demo import DEMO_FIRST
from chains.models import Industry, Unit
from reporting.leads import services
from reporting.leads.models import LeadStage
from reporting.models import InvestmentLead, LeadEvent, Project, ProjectEvent

# (enterprise, source, industry code, district, expected investment (亿元), stage, next step)
LEADS = [
    (
        "宁德时代新能源科技股份有限公司",
        "referral",
        "new-energy",
        "翔安区",
        120,
        "signed",
        "落实用地和能耗指标",
    ),
    (
        "宁德时代新能源科技股份有限公司",
        "fair",
        "new-energy",
        "同安区",
        80,
        "talks",
        "等待企业回复选址意向",
    ),
    (
        "华为技术有限公司",
        "office",
        "electronic-information",
        "火炬管委会",
        30,
        "talks",
        "组织技术团队赴深圳对接",
    ),
    (
        "京东方科技集团股份有限公司",
        "visit",
        "electronic-information",
        "火炬管委会",
        200,
        "lead",
        "收集企业扩产需求",
    ),
    (
        "中国电子科技集团有限公司",
        "agency",
        "third-generation-semiconductors",
        "海沧区",
        45,
        "talks",
        "起草投资协议",
    ),
    (
        "三安光电股份有限公司",
        "referral",
        "third-generation-semiconductors",
        "同安区",
        60,
        "signed",
        "跟进项目立项",
    ),
    (
        "艾德生物医药科技股份有限公司",
        "visit",
        "biomedicine",
        "海沧区",
        12,
        "landed",
        "协调首批设备进场",
    ),
    (
        "万泰沧海生物技术有限公司",
        "referral",
        "biomedicine",
        "海沧区",
        18,
        "lead",
        "了解产能扩张计划",
    ),
    (
        "厦门象屿集团有限公司",
        "visit",
        "commerce-logistics",
        "自贸区管委会",
        25,
        "talks",
        "商谈仓储用地",
    ),
    ("中远海运集团有限公司", "office", "commerce-logistics", "湖里区", 40, "lead", "走访上海总部"),
    (
        "兴业银行股份有限公司",
        "visit",
        "financial-services",
        "思明区",
        10,
        "signed",
        "落实区域总部办公场所",
    ),
    (
        "金龙汽车集团股份有限公司",
        "referral",
        "machinery-equipment",
        "集美区",
        35,
        "talks",
        "确定新能源客车产线规模",
    ),
    ("厦门钨业股份有限公司", "agency", "new-materials", "海沧区", 22, "dropped", ""),
    (
        "亿纬锂能股份有限公司",
        "fair",
        "hydrogen-energy-storage",
        "翔安区",
        55,
        "talks",
        "组织储能项目专题洽谈",
    ),
    (
        "中国移动通信集团有限公司",
        "office",
        "future-networks",
        "思明区",
        15,
        "lead",
        "对接6G试验网需求",
    ),
    (
        "中国科学院海西研究院",
        "agency",
        "frontier-strategic-materials",
        "集美区",
        8,
        "talks",
        "研究共建中试平台",
    ),
    (
        "网宿科技股份有限公司",
        "fair",
        "culture-tourism-creative",
        "思明区",
        6,
        "lead",
        "邀请参加文博会",
    ),
]

GUIDANCE = [
    "请会同市工信局做好能耗指标预评估，加快推进签约。",
    "该企业同时与两个区接触，请以主承载区为主统筹推进，避免重复招商。",
    "建议结合产业链图谱补链强链方向，优先保障其用地需求。",
]


def _when(rng, today: datetime.date, back: int) -> datetime.datetime:
    day = today - datetime.timedelta(days=back)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 17))))


@transaction.atomic
def leads_demo(today: datetime.date) -> int:
    if InvestmentLead.objects.filter(is_demo=True).exists():
        return 0
    office = User.objects.filter(role=Role.INVESTMENT, is_active=True).order_by(*DEMO_FIRST).first()
    units = {u.name: u for u in Unit.objects.all()}
    industries = {i.code: i for i in Industry.objects.all()}
    staff = {}
    for user in User.objects.filter(unit__isnull=False, is_active=True).order_by(*DEMO_FIRST):
        staff.setdefault(user.unit_id, user)
    rng = random.Random(4462)
    made = 0
    for n, (target, source, code, place, money, stage, next_step) in enumerate(LEADS):
        unit = units.get(place)
        user = staff.get(unit.pk) if unit else None
        if user is None or code not in industries:
            continue
        lead = services.lead_add(
            user=user,
            target=target,
            source=source,
            industry=industries[code],
            expected_investment=Decimal(money),
            next_step=next_step,
            next_step_due=today + datetime.timedelta(days=rng.randint(7, 45))
            if stage in LeadStage.open_values()
            else None,
        )
        started = 150 - n * 7
        LeadEvent.objects.filter(lead=lead).update(at=_when(rng, today, started))
        InvestmentLead.objects.filter(pk=lead.pk).update(created_at=_when(rng, today, started))
        steps = {
            "talks": ["talks"],
            "signed": ["talks", "signed"],
            "landed": ["talks", "signed", "landed"],
            "dropped": ["talks", "dropped"],
        }.get(stage, [])
        back = started
        for step in steps:
            back = max(back - rng.randint(15, 30), 2)
            mover = office if step == "signed" and office and n % 2 else user
            lead = services.lead_move(
                lead=lead,
                user=mover,
                version=InvestmentLead.objects.get(pk=lead.pk).version,
                stage=step,
                text="企业决定在外地布局。" if step == "dropped" else "",
            )
            when = _when(rng, today, back)
            LeadEvent.objects.filter(lead=lead, stage_to=step, kind="stage").update(at=when)
            if step == "signed" and lead.project_id:
                day = when.date()
                InvestmentLead.objects.filter(pk=lead.pk).update(signed_on=day)
                Project.objects.filter(pk=lead.project_id).update(
                    signed_on=day, stage_since=day, created_at=when, is_demo=True
                )
                ProjectEvent.objects.filter(project_id=lead.project_id).update(at=when)
        if office and n % 3 == 0 and stage != "dropped":
            services.lead_guide(lead=lead, user=office, text=GUIDANCE[n % len(GUIDANCE)])
            LeadEvent.objects.filter(lead=lead, kind="guided").update(
                at=_when(rng, today, max(back - 1, 1))
            )
        made += 1
    InvestmentLead.objects.all().update(is_demo=True)
    return made
