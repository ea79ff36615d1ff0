"""Writes to investment leads. Each is atomic, refuses a stale version, and leaves one
LeadEvent with the lead as it then stands. At 签约 the lead enters the project register; a
lead naming an enterprise another unit already follows is recorded and 市招商办 is told, so
the city does not court one enterprise twice."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.choices import NoticeKind
from accounts.models import User
from accounts.notifications import investment_office_staff, unit_staff
from chains.models import Industry, Unit
from portal.dataversion import data_changed, topics
from reporting.leads.access import can_keep_lead, guides_leads, records_leads
from reporting.leads.models import LeadEventKind, LeadStage
from reporting.models import InvestmentLead, LeadEvent
from reporting.notices.services import notify
from reporting.periods.services import today
from reporting.projects import services as projects

FIELDS = {
    "target",
    "source",
    "industry",
    "district",
    "expected_investment",
    "next_step",
    "next_step_due",
}

# What a lead may move to from each stage (a dropped lead may be taken up again).
MOVES = {
    LeadStage.LEAD: {LeadStage.TALKS, LeadStage.SIGNED, LeadStage.DROPPED},
    LeadStage.TALKS: {LeadStage.LEAD, LeadStage.SIGNED, LeadStage.DROPPED},
    # A signed lead is in the project register: an end is 终止 there, not a dropped lead.
    LeadStage.SIGNED: {LeadStage.LANDED},
    LeadStage.LANDED: set(),
    LeadStage.DROPPED: {LeadStage.LEAD, LeadStage.TALKS},
}

COMPANY_FORMS = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|公司|股份)$")


def target_key(name: str) -> str:
    """An enterprise's name as compared for duplicates: no spaces, brackets or punctuation, no
    company form at the end, lower case (厦门天马微电子有限公司 = 厦门 天马微电子（有限公司）)."""
    key = re.sub(r"[\s()（）【】\[\]·,，.。、\-—_]", "", name or "").lower()
    while True:
        shorter = COMPANY_FORMS.sub("", key)
        if shorter == key:
            return key
        key = shorter


def snapshot(lead: InvestmentLead) -> dict:
    return {
        "target": lead.target,
        "source": lead.source,
        "industry": lead.industry.name,
        "district": lead.district.name if lead.district_id else "",
        "expected_investment": None
        if lead.expected_investment is None
        else str(lead.expected_investment),
        "unit": lead.unit.name,
        "stage": lead.stage,
        "next_step": lead.next_step,
        "next_step_due": lead.next_step_due.isoformat() if lead.next_step_due else None,
        "drop_reason": lead.drop_reason,
        "removed": lead.removed_at is not None,
    }


def _record(lead: InvestmentLead, kind: str, user: User, **extra) -> LeadEvent:
    data_changed(topics.LEADS)
    return LeadEvent.objects.create(
        lead=lead, kind=kind, actor=user, stage_to=lead.stage, snapshot=snapshot(lead), **extra
    )


def _check(lead: InvestmentLead) -> None:
    errors = {}
    lead.target = (lead.target or "").strip()
    lead.next_step = (lead.next_step or "").strip()
    if not lead.target:
        errors["target"] = "请填写目标企业名称。"
    if lead.expected_investment is not None and not (
        Decimal(0) <= lead.expected_investment <= projects.MAX_INVESTMENT
    ):
        errors["expected_investment"] = "预计投资应在0至10000亿元之间。"
    if lead.district_id and lead.district.kind not in ("district", "zone"):
        errors["district"] = "请选择区或开发区。"
    if errors:
        raise ValidationError(errors)
    lead.target_key = target_key(lead.target)
    lead.full_clean(exclude=["created_by", "target_key", "project"])


def duplicates(lead: InvestmentLead):
    """Other units' leads, not taken out, on the same enterprise."""
    return (
        InvestmentLead.objects.filter(target_key=lead.target_key, removed_at__isnull=True)
        .exclude(pk=lead.pk)
        .exclude(unit_id=lead.unit_id)
        .select_related("unit")
    )


def _tell_of_duplicates(lead: InvestmentLead) -> None:
    others = list(duplicates(lead))
    if others:
        names = "、".join(sorted({o.unit.name for o in others}))
        notify(
            investment_office_staff() + unit_staff(lead.unit_id),
            subject=f"疑似重复的招商线索：{lead.target}",
            text=f"{lead.unit.name}登记的招商线索“{lead.target}”，{names}也在跟进。请市招商办统筹协调。",
            link=reverse("reporting:lead", args=[lead.pk]),
            kind=NoticeKind.LEAD,
        )


@transaction.atomic
def lead_add(
    *,
    user: User,
    target: str,
    source: str,
    industry: Industry,
    unit: Unit | None = None,
    district: Unit | None = None,
    expected_investment: Decimal | None = None,
    next_step: str = "",
    next_step_due: datetime.date | None = None,
) -> InvestmentLead:
    """Record a lead followed by the user's unit (市招商办 may name the unit)."""
    if not records_leads(user):
        raise PermissionDenied("只有各区（开发区）、产业牵头单位和市招商办可以登记招商线索。")
    if unit is not None and unit.pk != user.unit_id and not guides_leads(user):
        raise PermissionDenied("只能登记本单位跟进的招商线索。")
    unit = unit or user.unit
    if district is None and unit.kind in ("district", "zone"):
        district = unit
    lead = InvestmentLead(
        target=target,
        source=source,
        industry=industry,
        district=district,
        expected_investment=expected_investment,
        unit=unit,
        next_step=next_step,
        next_step_due=next_step_due,
        created_by=user,
    )
    _check(lead)
    lead.save()
    _record(lead, LeadEventKind.CREATED, user)
    _tell_of_duplicates(lead)
    return lead


def _lock(lead: InvestmentLead, user: User, version: int | None) -> InvestmentLead:
    current = (
        InvestmentLead.objects.select_for_update(of=("self",))
        .select_related("industry", "district", "unit")
        .get(pk=lead.pk)
    )
    if not can_keep_lead(user, current):
        raise PermissionDenied("只有跟进该线索的单位和市招商办可以修改。")
    if version is not None and current.version != version:
        raise ValidationError(
            f"该线索已被他人修改（当前为第{current.version}版，您编辑的是第{version}版），"
            "您的修改未保存。请核对最新内容后重新提交。",
            code="conflict",
        )
    if current.removed_at is not None:
        raise ValidationError("该线索已移除。")
    return current


def _save(current: InvestmentLead) -> InvestmentLead:
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    return current


@transaction.atomic
def lead_change(*, lead: InvestmentLead, user: User, version: int, **fields) -> InvestmentLead:
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"lead_change() cannot set {sorted(unknown)}")
    current = _lock(lead, user, version)
    before = current.target_key
    for name, value in fields.items():
        setattr(current, name, value)
    _check(current)
    current = _save(current)
    _record(current, LeadEventKind.CHANGED, user)
    if current.target_key != before:
        _tell_of_duplicates(current)
    return current


@transaction.atomic
def lead_move(
    *, lead: InvestmentLead, user: User, version: int, stage: str, text: str = ""
) -> InvestmentLead:
    """Move a lead on. At 签约 it enters the project register (the unit following it follows
    the project); 落地 needs the project; 放弃 needs the reason."""
    current = _lock(lead, user, version)
    text = (text or "").strip()
    if current.stage == LeadStage.SIGNED and stage == LeadStage.DROPPED:
        raise ValidationError(
            "该线索已签约入库；如项目终止，请在项目库中将项目改为“终止”并写明原因。"
        )
    if stage not in MOVES.get(current.stage, set()):
        raise ValidationError(
            f"线索不能从“{LeadStage(current.stage).label}”改为“{LeadStage(stage).label}”。"
            if stage in LeadStage.values
            else "未知的线索阶段。"
        )
    if stage == LeadStage.DROPPED and not text:
        raise ValidationError("放弃线索时请写明原因。")
    before = current.stage
    current.stage = stage
    current.drop_reason = text if stage == LeadStage.DROPPED else ""
    if stage == LeadStage.SIGNED and current.project_id is None:
        on = today()
        current.signed_on = on
        current.project = projects.project_from_lead(
            user=user,
            industry=current.industry,
            name=f"{current.target[:190]}投资项目",
            investor=current.target,
            district=current.district,
            investment=current.expected_investment,
            responsible_unit=current.unit,
            on=on,
        )
    current = _save(current)
    _record(current, LeadEventKind.STAGE, user, stage_from=before, text=text)
    if guides_leads(user) and user.unit_id != current.unit_id:
        notify(
            unit_staff(current.unit_id),
            subject=f"招商线索“{current.target}”已{LeadStage(stage).label}",
            text=f"市招商办将招商线索“{current.target}”改为“{LeadStage(stage).label}”。{text}",
            link=reverse("reporting:lead", args=[current.pk]),
            kind=NoticeKind.LEAD,
        )
    return current


@transaction.atomic
def lead_guide(
    *, lead: InvestmentLead, user: User, text: str = "", unit: Unit | None = None
) -> InvestmentLead:
    """市招商办's guidance on a lead, and/or its assignment to another unit; the unit(s)
    concerned are told."""
    if not guides_leads(user):
        raise PermissionDenied("只有市招商办可以指导和交办招商线索。")
    text = (text or "").strip()
    current = _lock(lead, user, None)
    if not text and (unit is None or unit.pk == current.unit_id):
        raise ValidationError("请填写指导意见，或选择交办的单位。")
    told = set()
    if unit is not None and unit.pk != current.unit_id:
        previous = current.unit
        current.unit = unit
        current = _save(current)
        _record(current, LeadEventKind.ASSIGNED, user, text=f"由{previous.name}改为{unit.name}跟进")
        told |= {previous.pk, unit.pk}
    if text:
        _record(current, LeadEventKind.GUIDED, user, text=text)
        told.add(current.unit_id)
    people = [u for unit_id in told for u in unit_staff(unit_id)]
    notify(
        people,
        subject=f"市招商办关于招商线索“{current.target}”的意见",
        text=text or f"市招商办将招商线索“{current.target}”交由{current.unit.name}跟进。",
        link=reverse("reporting:lead", args=[current.pk]),
        kind=NoticeKind.LEAD,
    )
    return current


@transaction.atomic
def lead_remove(*, lead: InvestmentLead, user: User, version: int, reason: str) -> InvestmentLead:
    """Take out a lead recorded by mistake (a lead that failed is 放弃, not taken out)."""
    if not (reason or "").strip():
        raise ValidationError("请写明移除的原因。")
    current = _lock(lead, user, version)
    if current.project_id:
        raise ValidationError("该线索已签约入库，不能移除；如项目终止，请在项目库中修改阶段。")
    current.removed_at = timezone.now()
    current = _save(current)
    _record(current, LeadEventKind.REMOVED, user, text=reason.strip())
    return current
