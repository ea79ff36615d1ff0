"""The districts' summaries of their year: written by the district's own staff, every save kept
(the latest is the text), a save over a newer one refused."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from chains.models import Unit
from portal.dataversion import data_changed
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
    data_changed()
    return narrative
