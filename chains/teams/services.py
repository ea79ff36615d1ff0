"""Writes to a work team: the lead unit saves the whole roster at once; members left out are
marked removed (kept), and every save leaves a TeamChange with the roster as it then stands."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from chains.models import AssignmentUnit, Industry
from chains.teams.access import keeps_team
from chains.teams.models import TeamChange, TeamMember, TeamRole

PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")


def _plain(member: TeamMember) -> dict:
    return {
        "unit": member.unit.name,
        "role": member.role,
        "name": member.name,
        "title": member.title,
        "phone": member.phone,
        "user": member.user.username if member.user_id else "",
    }


@transaction.atomic
def roster_save(*, industry: Industry, user: User, version: int, members: list[dict]) -> list:
    """Replace the industry's roster by `members` (dicts of unit, role, name, title, phone,
    user), if nobody saved it since the page showed `version` saves."""
    if not keeps_team(user, industry):
        raise PermissionDenied("只有该产业的牵头单位可以维护工作班子。")
    Industry.objects.select_for_update().get(pk=industry.pk)  # one save at a time
    saved = industry.team_changes.count()
    if saved != version:
        raise ValidationError(
            "工作班子名单已被他人修改，您的修改未保存。请核对最新名单后重新提交。", code="conflict"
        )
    units = set(
        AssignmentUnit.objects.filter(assignment_id=industry.assignment_id).values_list(
            "unit_id", flat=True
        )
    )
    errors, rows = [], []
    for n, row in enumerate(members, start=1):
        name = (row.get("name") or "").strip()
        phone = (row.get("phone") or "").strip()
        unit, account = row["unit"], row.get("user")
        if unit.pk not in units:
            errors.append(f"第{n}行：{unit.name}不是{industry.name}的牵头单位或责任单位。")
        if not name:
            errors.append(f"第{n}行：请填写姓名。")
        if phone and not PHONE.match(phone):
            errors.append(
                f"第{n}行：电话“{phone}”格式不正确（只能包含数字、空格和 +-()，7至20位）。"
            )
        if account is not None and account.unit_id != unit.pk:
            errors.append(f"第{n}行：平台账号{account.username}不属于{unit.name}。")
        if row.get("role") not in TeamRole.values:
            errors.append(f"第{n}行：请选择在工作班子中的角色。")
        rows.append(
            TeamMember(
                industry=industry,
                unit=unit,
                role=row.get("role"),
                name=name,
                title=(row.get("title") or "").strip(),
                phone=phone,
                user=account,
                position=n,
            )
        )
    if errors:
        raise ValidationError(errors)
    before = [
        _plain(m)
        for m in TeamMember.objects.filter(
            industry=industry, removed_at__isnull=True
        ).select_related("unit", "user")
    ]
    TeamMember.objects.filter(industry=industry, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    TeamMember.objects.bulk_create(rows)
    after = [_plain(m) for m in rows]
    added = [r for r in after if r not in before]
    gone = [r for r in before if r not in after]
    summary = (
        "；".join(
            [f"新增或修改：{r['unit']}{r['name']}" for r in added]
            + [f"移出：{r['unit']}{r['name']}" for r in gone]
        )
        or "名单未变"
    )
    TeamChange.objects.create(industry=industry, actor=user, summary=summary, roster=after)
    return rows
