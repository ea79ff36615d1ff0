"""The districts' summaries of their year: written by the district's own staff, every save kept
(the latest is the text), a save over a newer one refused."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from chains.models import Unit
from portal.dataversion import data_changed, topics
from reporting.assessment.access import own_district_code
from reporting.models import DistrictNarrative


def narratives(unit: Unit, year: int) -> list[DistrictNarrative]:
    """Every save of the district's summary of the year, newest first."""
    return list(DistrictNarrative.objects.filter(unit=unit, year=year).select_related("written_by"))


def latest_texts(year: int) -> dict[int, str]:
    """Each district's latest summary of the year, by unit (one query)."""
    texts = {}
    for unit_id, text in (
        DistrictNarrative.objects.filter(year=year)
        .order_by("unit_id", "-written_at", "-id")
        .values_list("unit_id", "text")
    ):
        texts.setdefault(unit_id, text)
    return texts


@transaction.atomic
def narrative_save(*, unit: Unit, user: User, year: int, text: str, version: int):
    """Save the district's summary; `version` is how many saves the page showed."""
    if own_district_code(user) != unit.code:
        raise PermissionDenied("只有本区（开发区）人员可以撰写本区的年度总结。")
    Unit.objects.select_for_update().get(pk=unit.pk)
    saved = DistrictNarrative.objects.filter(unit=unit, year=year).count()
    if saved != version:
        raise ValidationError(
            "本区年度总结已被他人修改，您的文字未覆盖其内容。请复制您的文字，刷新后重新保存。",
            code="conflict",
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError("请填写年度总结。")
    narrative = DistrictNarrative.objects.create(unit=unit, year=year, text=text, written_by=user)
    data_changed(topics.ASSESSMENT)
    return narrative


def narratives_demo(year: int) -> int:
    """Demo only (`make run`): each district's and zone's summary of `year`, written by its
    demo account from its leading industries and carrier areas."""
    from accounts.models import User

    made = 0
    for unit in Unit.objects.filter(kind__in=["district", "zone"]).order_by("position"):
        user = User.objects.filter(unit=unit, is_demo=True).order_by("pk").first()
        if user is None or DistrictNarrative.objects.filter(unit=unit, year=year).exists():
            continue
        leading = (
            "、".join(link.industry.name for link in unit.leading_industries.all()) or "主导产业"
        )
        carriers = "、".join(c.name for c in unit.carrier_areas.all()[:2]) or "产业载体"
        narrative_save(
            unit=unit,
            user=user,
            year=year,
            version=0,
            text=(
                f"{year}年，{unit.name}聚焦{leading}，错位发展、集聚集约，推进{carriers}建设，"
                "完善“引项目、优服务”工作机制。\n"
                "重点项目按计划推进，新签约项目均已纳入市级项目库；"
                "与市招商办、产业牵头部门联动开展精准招商。\n"
                "下一步将加快在建项目投产达产，协调解决用地、能耗等要素保障问题。"
            ),
        )
        made += 1
    return made
