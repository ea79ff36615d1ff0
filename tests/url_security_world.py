"""The data tests/test_url_security.py walks the portal with: every kind of row a user has, in
three scopes, each carrying a marker string that only its own rows hold.

- 商贸物流 (commerce-logistics), filed by 市商务局: the objects each URL is tried on. Its other
  lead units (市交通局), its responsible units (厦门港口局, 思明区) and its lead official (黄燕添)
  read them; their text carries CL_SECRET.
- 电子信息 (electronic-information), filed by 市工信局, and its accepted 机械装备 plan with a
  month's progress: another unit's industries' rows (EI_SECRET), which no one of 商贸物流 (nor
  李辉跃, who leads 金融服务) may see.
- 湖里区's own district plan and land item, tied to no industry (HULI_SECRET): only 湖里区 and
  those who read the whole system see them.
- A recorded change of each industry's row of the matrix, from a file named after its marker:
  each industry page shows its own changes only; the whole record is the DRC's and the
  administrators'.

Built once per test module (see the `world` fixture) and rolled back after it."""

import contextlib
import datetime
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accounts.access import industries_for
from accounts.choices import Role
from accounts.models import Notification, User
from chains.choices import ChangeMethod
from chains.creditcode import check_character
from chains.figures import writing
from chains.loads import Load
from chains.matrix import history as matrix_history
from chains.matrix.io import matrix_load
from chains.matrix.selectors import assignment_names
from chains.matrix.services import industry_assign
from chains.models import (
    Enterprise,
    EnterpriseTier,
    FigureImport,
    Indicator,
    Industry,
    IndustryFigure,
    Official,
    Policy,
    Unit,
)
from chains.quality.models import FigureFlag
from chains.teams import services as teams
from portal.months import previous_month
from reporting.innovation import services as innovation
from reporting.land import services as land
from reporting.leads import services as leads
from reporting.models import (
    InnovationPlatform,
    Report,
    ReportJob,
    ResultTransfer,
    TechProject,
)
from reporting.periods import services as periods_services
from reporting.plans import services as plans
from reporting.projects import services as projects
from reporting.supervision import instructions
from reporting.supervision import services as coordination
from reporting.updates import services

CL_SECRET = "CL-SECRET"
EI_SECRET = "EI-SECRET"
HULI_SECRET = "HULI-SECRET"

# Who is who. Every URL is tried as each of them.
ROLES = {
    "anonymous": None,
    "swj": dict(unit="市商务局"),  # a lead unit of 商贸物流: files the sample rows
    "jtj": dict(unit="市交通局"),  # another lead unit of the same industry
    "gkj": dict(unit="厦门港口局"),  # a responsible unit of 商贸物流 (not a district)
    "siming": dict(unit="思明区"),  # a district: responsible unit of every industry
    "gxj": dict(unit="市工信局"),  # a lead unit with no part in 商贸物流
    "drc": dict(role=Role.DRC, unit="市发改委"),
    "stats": dict(role=Role.STATISTICS, unit="市统计局"),
    "leader_hyt": dict(role=Role.LEADER, official="黄燕添"),  # leads 商贸物流
    "leader_lhy": dict(role=Role.LEADER, official="李辉跃"),  # leads 金融服务 only
    "zsb": dict(role=Role.INVESTMENT, unit="市招商办"),  # guides every investment lead
    "zhuyao": dict(role=Role.MAIN_LEADER),  # 市主要领导: reads everything
    "admin": dict(role=Role.ADMIN, is_staff=True, is_superuser=True),
}

# The markers each user must never receive (a report is exempt: it is the city's whole picture).
FORBIDDEN = {
    "anonymous": (CL_SECRET, EI_SECRET, HULI_SECRET),
    "swj": (EI_SECRET, HULI_SECRET),
    "jtj": (EI_SECRET, HULI_SECRET),
    "gkj": (EI_SECRET, HULI_SECRET),
    "siming": (HULI_SECRET,),
    "gxj": (CL_SECRET, HULI_SECRET),
    "drc": (),
    "stats": (),
    "leader_hyt": (EI_SECRET, HULI_SECRET),
    "leader_lhy": (CL_SECRET, EI_SECRET, HULI_SECRET),
    # 市招商办 reads every lead and the project register (named with the scopes' markers), no
    # district's own rows.
    "zsb": (HULI_SECRET,),
    "zhuyao": (),
    "admin": (),
}

FULL_TEXT = {
    "progress_organisation": "召开专班会议2次。",
    "progress_roadmap": "更新产业链图谱。",
    "progress_policy": "兑现扶持资金1.2亿元。",
    "progress_platform": "新增载体5万平方米。",
    "progress_projects": "储备项目12个。",
    "progress_investment": "签约项目3个。",
    "projects_signed": 3,
    "signed_amount": "15.50",
    "suggestions": "建议统筹用地指标。",
    "next_plan": "推进重点项目开工。",
}


def word_file(name: str = "修改稿.docx"):
    """A Word document, as Word saves one."""
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("报市政府稿")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _user(username: str, *, role=Role.UNIT_STAFF, unit=None, official=None, **extra) -> User:
    user = User(
        username=username,
        role=role,
        unit=Unit.objects.get(name=unit) if unit else None,
        official=Official.objects.get(name=official) if official else None,
        **extra,
    )
    user.set_password("a-long-test-password")
    user.save()
    return user


def _enterprise(name: str, industry: Industry, serial: str) -> Enterprise:
    first17 = f"91350200MA{serial:0>7}"
    enterprise = Enterprise.objects.create(
        credit_code=first17 + check_character(first17),
        name=name,
        industry=industry,
        district=Unit.objects.get(name="思明区"),
        above_size=True,
    )
    EnterpriseTier.objects.create(enterprise=enterprise, tier="high_tech", year=2024)
    EnterpriseTier.objects.create(
        enterprise=enterprise, tier="little_giant", stage="candidate", year=2025
    )
    return enterprise


def _scope(*, industry, unit, user, period, marker, contributor=None, chair, upload_name):
    """One filing unit's rows in one industry: an update with a key project, an open problem
    and an escalated one, a contribution, an attachment, a meeting with an action item, a work
    plan, a land item, a policy, an enterprise with tiers and a notification."""
    update = services.update_start(industry=industry, unit=unit, period=period, user=user)
    update = services.update_save(
        update=update,
        content=services.UpdateContent(
            fields={**FULL_TEXT, "progress_organisation": f"{marker} 专班会议"},
            key_projects=[
                {"name": f"{marker} 重点项目", "stage": "construction", "investment": 10}
            ],
            problems=[
                {
                    "description": f"{marker} 用电增容",
                    "type": "energy",
                    "concerned": "",
                    "needs_meeting": True,
                }
            ],
        ),
        expected_version=update.version,
        user=user,
    )
    attachment = services.attachment_add(
        update=update, user=user, upload=SimpleUploadedFile(upload_name, b"%PDF-1.4 test")
    )
    if contributor is not None:
        services.contribution_add(update=update, user=contributor, text=f"{marker} 素材")
    problem = update.problems.get()
    escalated = update.problems.create(
        description=f"{marker} 人才住房", type="talent", status="escalated"
    )
    drc = User.objects.get(username="drc")
    meeting = coordination.meeting_create(
        industry=industry,
        chair=chair,
        date=periods_services.today(),
        units=[unit],
        problems=[escalated],
        minutes=f"{marker} 会议纪要",
        user=drc,
    )
    escalated.refresh_from_db()  # now on the meeting's agenda
    action = coordination.action_create(
        meeting=meeting,
        decision=f"{marker} 落实住房",
        unit=unit,
        deadline=period.lock_date,
        user=drc,
        problem=escalated,
    )
    # A file on the item (as the DRC's assignment gave it), named like the scope's secrets.
    action_file = coordination._files(
        action,
        action.events.get(),
        drc,
        [SimpleUploadedFile(f"{marker}-督办.pdf", b"%PDF-1.4 item")],
    )[0]
    # An instruction (批示) on the open problem, as the DRC writes one.
    instruction = instructions.instruction_write(
        user=drc, target=problem, text=f"{marker} 请研究解决用电增容"
    )
    plan = plans.plan_start(unit=unit, industry=industry, year=period.year, user=user)
    plan = plans.plan_save(
        plan=plan,
        user=user,
        expected_version=plan.version,
        summary=f"{marker} 年度目标",
        items=[
            plans.ItemContent(
                element="projects", task=f"{marker} 策划项目", responsible=unit, due_month=12
            )
        ],
    )
    land_item = land.land_item_add(
        user=user,
        unit=unit,
        year=period.year,
        month=period.month,
        kind="supplied",
        name=f"{marker} 地块",
        area=Decimal("100"),
        area_unit="mu",
        status="planned",
        update=update,
    )
    policy = Policy.objects.create(
        industry=industry,
        title=f"{marker} 产业扶持措施",
        issuer=unit,
        issued_on=periods_services.today() - datetime.timedelta(days=30),
        created_by=user,
    )
    notification = Notification.objects.create(user=user, text=f"{marker} 提醒", link="/")
    project = projects.project_add(
        user=user, industry=industry, name=f"{marker} 登记项目", investor=f"{marker} 投资方"
    )
    removed_project = projects.project_remove(
        project=projects.project_add(user=user, industry=industry, name=f"{marker} 移出项目"),
        user=user,
        version=1,
        reason="重复登记",
    )
    lead = leads.lead_add(
        user=user,
        target=f"{marker} 招商企业",
        source="visit",
        industry=industry,
        next_step=f"{marker} 拜访",
    )
    teams.roster_save(
        industry=industry,
        user=user,
        version=0,
        members=[
            {
                "unit": unit,
                "role": "contact",
                "name": f"{marker} 联络员",
                "title": "",
                "phone": "0592-1234567",
                "user": user,
            }
        ],
    )
    platform = innovation.record_add(
        user=user,
        model=InnovationPlatform,
        industry=industry,
        name=f"{marker} 创新平台",
        level="provincial",
        kind="engineering",
        host=f"{marker} 依托单位",
        year=period.year,
    )
    research = innovation.record_add(
        user=user,
        model=TechProject,
        industry=industry,
        name=f"{marker} 攻关项目",
        lead_org=f"{marker} 牵头企业",
        start_on=datetime.date(period.year, 1, 1),
        end_on=datetime.date(period.year + 1, 12, 31),
    )
    milestone = innovation.milestone_add(
        project=research, user=user, title=f"{marker} 节点", due_on=periods_services.today()
    )
    innovation.record_add(
        user=user,
        model=ResultTransfer,
        industry=industry,
        year=period.year,
        month=period.month,
        enterprise=f"{marker} 承接企业",
        title=f"{marker} 成果",
        contract_value=Decimal("12"),
    )
    return {
        "platform": platform,
        "research": research,
        "milestone": milestone,
        "lead": lead,
        "project": project,
        "removed_project": removed_project,
        "update": update,
        "attachment": attachment,
        "problem": problem,
        "escalated": escalated,
        "meeting": meeting,
        "action": action,
        "action_file": action_file,
        "instruction": instruction,
        "notification": notification,
        "plan": plan,
        "land_item": land_item,
        "policy": policy,
    }


@contextlib.contextmanager
def built_once(django_db_blocker, media_dir, moment: datetime.datetime | None = None):
    """The world for a whole test module: built (at `moment`, if given) in a transaction rolled
    back when the module is done; each test runs in a savepoint of its own inside it (`db`)."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(override_settings(MEDIA_ROOT=media_dir))
        if moment is not None:
            stack.enter_context(time_machine.travel(moment, tick=True))
        _forget_cached()  # nothing the module before left in the cache counts here
        try:
            with rolled_back(django_db_blocker):
                yield build(media_dir)
        finally:
            _forget_cached()


@contextlib.contextmanager
def rolled_back(django_db_blocker):
    """A module's data: written in a transaction rolled back when the module is done."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _forget_cached():
    from django.core.cache import cache

    from reporting.periods import workdays

    cache.clear()
    workdays.forget()


def build(media_dir) -> dict:
    """Everything, as a dict of the objects tests name (model instances and plain values)."""
    assert not matrix_load().errors
    call_command("load_indicators", verbosity=0)
    call_command("load_assessment_indicators", verbosity=0)
    users = {name: _user(name, **spec) for name, spec in ROLES.items() if spec is not None}
    huli_user = _user("huli", unit="湖里区")
    # This month (open for filing and for plan progress until next month's lock date) and
    # the month before: the real clock, so that nothing has to be frozen.
    today = periods_services.today()
    period = periods_services.period_get_or_create(today.year, today.month)
    previous = periods_services.period_get_or_create(*previous_month(today.year, today.month))
    cl = Industry.objects.get(code="commerce-logistics")
    ei = Industry.objects.get(code="electronic-information")
    officials = Official.objects.in_bulk(field_name="name")

    world = _scope(
        industry=cl,
        unit=users["swj"].unit,
        user=users["swj"],
        period=period,
        marker=CL_SECRET,
        contributor=users["gkj"],
        chair=officials["黄燕添"],
        upload_name=f"{CL_SECRET}.pdf",
    )
    other = _scope(
        industry=ei,
        unit=users["gxj"].unit,
        user=users["gxj"],
        period=period,
        marker=EI_SECRET,
        contributor=users["siming"],
        chair=officials["黄晓舟"],
        upload_name=f"{EI_SECRET}.pdf",
    )
    # 市工信局's accepted plan for 机械装备 (an industry of its own, as far from 商贸物流 as
    # 电子信息), with a month's progress.
    machinery = Industry.objects.get(code="machinery-equipment")
    accepted = plans.plan_start(
        unit=users["gxj"].unit, industry=machinery, year=period.year, user=users["gxj"]
    )
    accepted = plans.plan_save(
        plan=accepted,
        user=users["gxj"],
        expected_version=accepted.version,
        summary=f"{EI_SECRET} 机械装备目标",
        items=[
            plans.ItemContent(
                element="projects",
                task=f"{EI_SECRET} 机械装备任务",
                responsible=users["gxj"].unit,
                due_month=12,
            )
        ],
    )
    accepted = plans.plan_submit(
        plan=accepted, user=users["gxj"], expected_version=accepted.version
    )
    plans.plan_accept(plan=accepted, user=users["drc"])
    plans.progress_record(
        unit=users["gxj"].unit,
        period=period,
        user=users["gxj"],
        entries=[
            plans.ProgressEntry(
                item_id=accepted.items.get().pk, percent=60, text=f"{EI_SECRET} 进展过半"
            )
        ],
    )

    # 湖里区's own rows, tied to no industry.
    huli_plan = plans.plan_start(
        unit=huli_user.unit, industry=None, year=period.year, user=huli_user
    )
    plans.plan_save(
        plan=huli_plan,
        user=huli_user,
        expected_version=huli_plan.version,
        summary=f"{HULI_SECRET} 区年度目标",
        items=[
            plans.ItemContent(
                element="policy",
                task=f"{HULI_SECRET} 区任务",
                responsible=huli_user.unit,
                due_month=6,
            )
        ],
    )
    land.land_item_add(
        user=huli_user,
        unit=huli_user.unit,
        year=period.year,
        month=period.month,
        kind="supplied",
        name=f"{HULI_SECRET} 地块",
        area=Decimal("50"),
        area_unit="mu",
        status="planned",
    )

    # Statistics: an applied import with a figure of each industry, a file in preview, and an
    # enterprise with tiers in each industry.
    applied = FigureImport.objects.create(
        kind="industry_figures",
        status="applied",
        original_name="9月.xlsx",
        sha256="0" * 64,
        uploaded_by=users["stats"],
        file="statistics/none.xlsx",
    )
    output = Indicator.objects.get(code="output-month")
    for industry, value in ((cl, "4321.50"), (ei, "12345.60")):
        for year in (2025, 2024):
            IndustryFigure.objects.create(
                source=applied,
                indicator=output,
                industry=industry,
                year=year,
                month=9,
                value=Decimal(value),
                yoy=Decimal("12.5"),
            )
    # A figure imported with a flag, not yet explained: the 数据核查 list's.
    flag = FigureFlag.objects.create(
        source=applied,
        fingerprint="outlier|z|cl|2025-09",
        kind="outlier",
        test="z",
        importance="warning",
        sheet_row=3,
        indicator=output,
        industry=cl,
        year=2025,
        month=9,
        value=Decimal("4321.50"),
        message="工业总产值（当月，万元）明显偏离近 24 个月的水平。",
        confirmed_by=users["stats"],
        confirmation="已核实",
    )
    record = writing.upload_record(
        upload=SimpleUploadedFile(
            "9月产业指标.csv",
            "2025年9月\n产业,工业总产值当月(万元),工业总产值累计(万元)\n商贸物流产业集群,1000,9000\n".encode(),
        ),
        user=users["stats"],
    )
    writing.preview(record, month=(2025, 9))
    enterprise = _enterprise(f"{CL_SECRET}物流有限公司", cl, "0000001")
    _enterprise(f"{EI_SECRET}科技有限公司", ei, "0000002")

    # Reports: a draft (the DRC's alone) and a final version, with its PDF (also the city
    # leaders' and the statistics bureau's).
    from reporting.reports import services as report_services
    from reporting.reports.gather import gather

    data = gather("monthly", period.year, period.month)
    draft = Report.objects.create(
        kind="monthly", period=period.slug, title=data["title"], data=data
    )
    last_month = gather("monthly", previous.year, previous.month)
    final = Report.objects.create(
        kind="monthly", period=previous.slug, title=last_month["title"], data=last_month
    )
    final = report_services.report_finalise(
        report=final, user=users["drc"], expected_version=final.edit_version
    )
    job = ReportJob.objects.create(kind="monthly", period=period.slug, status="done", report=draft)
    # The DRC's edited Word document of the final version (修改稿).
    report_document = report_services.report_document_add(
        report=final, user=users["drc"], upload=word_file(), note="报市政府稿"
    )

    # A change to each industry's row (its responsible units in another order: nobody's rights
    # move), recorded as an import of a file named after the industry's marker.
    for industry, marker in ((cl, CL_SECRET), (ei, EI_SECRET)):
        row = assignment_names(Industry.objects.get(pk=industry.pk))
        who = Load(actor=users["admin"], method=ChangeMethod.IMPORT)
        with matrix_history.matrix_change(who, source=f"{marker}.csv"):
            industry_assign(
                industry=industry,
                lead_officials=row["lead_officials"],
                lead_units=row["lead_units"],
                responsible_units=row["responsible_units"][::-1],
            )

    hidden = {
        name: set(
            Industry.objects.exclude(pk__in=industries_for(user)).values_list("name", flat=True)
        )
        for name, user in users.items()
    }
    hidden["zsb"] = set()  # 市招商办 reads the project register and the leads of every industry
    return {
        **world,
        "users": users,
        "hidden_industries": hidden,
        "other": other,
        "period": period,
        "previous": previous,
        "year": period.year,
        "next_year": period.year + 1,
        "cl": cl,
        "ei": ei,
        "import": record,
        "applied_import": applied,
        "flag": flag,
        "enterprise": enterprise,
        "report": draft,
        "final_report": final,
        "report_document": report_document,
        "job": job,
        "huli_plan": huli_plan,
        "accepted_plan": accepted,
    }
