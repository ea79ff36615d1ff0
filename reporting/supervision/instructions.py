"""Instructions (批示): a city leader (or the DRC) writes one on a problem, a monthly update, an
item or a final report. The units concerned (the update's unit; the item's host and co-units)
and the DRC are told; the DRC can make it an item (交办), whose progress the leader follows on
their list of instructions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.choices import NoticeKind
from accounts.models import User
from accounts.notifications import drc_staff, unit_staff
from portal.dataversion import data_changed, topics
from reporting.choices import ActionEventKind, ActionSource, ProblemStatus
from reporting.models import ActionEvent, ActionItem, Instruction, MonthlyUpdate, Problem, Report
from reporting.notices.services import notify
from reporting.supervision import services as supervision

MAX_LENGTH = 2000


def _target_fields(target) -> dict:
    if isinstance(target, Problem):
        return {"problem": target, "industry_id": target.update.industry_id}
    if isinstance(target, MonthlyUpdate):
        return {"update": target, "industry_id": target.industry_id}
    if isinstance(target, ActionItem):
        return {"action": target, "industry_id": target.industry_id}
    if isinstance(target, Report):
        return {"report": target, "industry_id": None}
    raise TypeError(target)


def _concerned_units(target) -> list[int]:
    if isinstance(target, Problem):
        return [target.update.unit_id]
    if isinstance(target, MonthlyUpdate):
        return [target.unit_id]
    if isinstance(target, ActionItem):
        return [target.unit_id, *target.co_units.values_list("pk", flat=True)]
    return []


def target_label(instruction: Instruction) -> str:
    if instruction.problem_id:
        return f"问题“{instruction.problem.description[:30]}”"
    if instruction.update_id:
        update = instruction.update
        return f"{update.industry.name}{update.period}月度进展"
    if instruction.action_id:
        return f"督办事项“{instruction.action.decision[:30]}”"
    return f"《{instruction.report.title}》"


@transaction.atomic
def instruction_write(*, user: User, target, text: str) -> Instruction:
    text = text.strip()
    if not text:
        raise ValidationError("请填写批示内容。")
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"批示内容不超过 {MAX_LENGTH} 字。")
    instruction = Instruction.objects.create(author=user, text=text, **_target_fields(target))
    data_changed(topics.INSTRUCTIONS)  # the cockpit lists the month's instructions
    if isinstance(target, ActionItem):
        ActionEvent.objects.create(
            action=target, kind=ActionEventKind.INSTRUCTED, actor=user, text=text
        )
    who = user.official.name if user.official_id else user.display_name
    message = f"{who}对{target_label(instruction)}作出批示：{text[:120]}"
    people = [u for unit in _concerned_units(target) for u in unit_staff(unit)]
    people += [u for u in drc_staff() if u.pk != user.pk]
    people = list({u.pk: u for u in people}.values())
    link = reverse("reporting:instruction", args=[instruction.pk])
    transaction.on_commit(
        lambda: notify(
            people, subject="【领导批示】", text=message, link=link, kind=NoticeKind.INSTRUCTION
        )
    )
    return instruction


def instruction_assign(
    *, instruction: Instruction, user: User, industry, decision, unit, co_units, deadline
) -> ActionItem:
    """The DRC makes an instruction an item (交办), answering the problem it was written on
    when that problem is still open."""
    problem = instruction.problem
    if problem is not None and problem.status != ProblemStatus.OPEN:
        problem = None
    if industry is None:
        raise ValidationError("请选择该事项所属产业。")
    return supervision.action_assign(
        industry=industry,
        decision=decision,
        unit=unit,
        co_units=co_units,
        deadline=deadline,
        user=user,
        source=ActionSource.INSTRUCTION,
        problem=problem,
        instruction=instruction,
    )
