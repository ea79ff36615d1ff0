"""Writing a comment: the units named with @ (by their name, e.g. "@市交通局") and the unit
whose update, item or plan it is are told; the thread keeps every comment as written."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.choices import NoticeKind, Role
from accounts.models import User
from accounts.notifications import unit_staff
from chains.models import AssignmentUnit, Unit
from reporting.choices import Section
from reporting.models import ActionItem, Comment, MonthlyUpdate, WorkPlan
from reporting.notices.services import notify

MAX_LENGTH = 2000


def mentioned_units(text: str) -> list[Unit]:
    """The units named after an @, longest name first (so "@市发改委" is not "@市发")."""
    if "@" not in text and "＠" not in text:
        return []
    text = text.replace("＠", "@")
    names = sorted(Unit.objects.values_list("name", "pk"), key=lambda row: -len(row[0]))
    found, taken = [], set()
    for match in re.finditer("@", text):
        rest = text[match.end() :]
        for name, pk in names:
            if rest.startswith(name) and pk not in taken:
                found.append(pk)
                taken.add(pk)
                break
    return list(Unit.objects.filter(pk__in=found))


def _reading_units(target) -> set[int]:
    """The units whose staff may read the object: its industry's lead and responsible units,
    its own unit (a district's own plan), an item's host and co-units, and the DRC's."""
    units = {
        u
        for u in User.objects.filter(role=Role.DRC, unit__isnull=False).values_list(
            "unit_id", flat=True
        )
    }
    owner = _owner_unit(target)
    if owner:
        units.add(owner)
    if isinstance(target, ActionItem):
        units |= set(target.co_units.values_list("pk", flat=True))
    industry = getattr(target, "industry", None)
    if industry is not None:
        units |= set(
            AssignmentUnit.objects.filter(assignment_id=industry.assignment_id).values_list(
                "unit_id", flat=True
            )
        )
    return units


def _owner_unit(target) -> int | None:
    if isinstance(target, MonthlyUpdate | WorkPlan):
        return target.unit_id
    if isinstance(target, ActionItem):
        return target.unit_id
    return None


def _link(target) -> str:
    if isinstance(target, MonthlyUpdate):
        return reverse("reporting:update", args=[target.pk]) + "#comments"
    if isinstance(target, ActionItem):
        return reverse("reporting:action", args=[target.pk]) + "#comments"
    return reverse("reporting:plan", args=[target.pk]) + "#comments"


def _label(target) -> str:
    if isinstance(target, MonthlyUpdate):
        return f"{target.industry.name}{target.period}月度进展"
    if isinstance(target, ActionItem):
        return f"督办事项“{target.decision[:30]}”"
    return f"{target.unit.name}{target.plan_year.year}年工作计划"


@transaction.atomic
def comment_add(*, user: User, target, text: str, section: str = "") -> Comment:
    text = text.strip()
    if not text:
        raise ValidationError("请填写评论内容。")
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"评论不超过 {MAX_LENGTH} 字。")
    if section and (not isinstance(target, MonthlyUpdate) or section not in Section.values):
        raise ValidationError("所选栏目不存在。")
    kind = {MonthlyUpdate: "update", ActionItem: "action", WorkPlan: "plan"}[type(target)]
    comment = Comment.objects.create(author=user, text=text, section=section, **{kind: target})
    named = mentioned_units(text)
    readers = _reading_units(target)
    mentioned = [u for u in named if u.pk in readers]
    # A unit that may not read the object is not told of it (nor shown its text).
    comment.dropped_mentions = [u.name for u in named if u.pk not in readers]
    comment.mentions.set(mentioned)
    who = user.unit.name if user.unit_id else user.display_name
    units = {u.pk for u in mentioned}
    owner = _owner_unit(target)
    if owner and owner != user.unit_id:
        units.add(owner)
    people = [u for unit in units for u in unit_staff(unit) if u.pk != user.pk]
    message = (
        f"{who}在{_label(target)}中"
        + ("@了贵单位" if mentioned else "发表评论")
        + f"：{text[:100]}"
    )
    link = _link(target)
    transaction.on_commit(
        lambda: notify(
            people, subject="【评论与@提及】", text=message, link=link, kind=NoticeKind.COMMENT
        )
    )
    return comment
