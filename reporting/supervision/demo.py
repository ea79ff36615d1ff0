"""Demo supervision (`make run` only): a coordination meeting of 商贸物流 held six weeks ago,
whose decisions are items at each step of their life, a problem assigned by the DRC, a chase, a
leader's instruction and a comment. Consistent with the demo updates (its problems are theirs)
and never dated in the future: every time is set from `today`, backwards."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from chains.matrix.demo import DEMO_FIRST
from chains.models import Official, Unit
from portal.dataversion import data_changed, topics
from reporting.choices import ActionSource, ActionStatus, ChaseStep, ProblemStatus
from reporting.models import (
    ActionChase,
    ActionEvent,
    ActionItem,
    Comment,
    Instruction,
    Meeting,
    Problem,
)
from reporting.supervision.chasing import chase_key


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _event(item, kind, actor, when, text=""):
    event = ActionEvent.objects.create(action=item, kind=kind, actor=actor, text=text)
    ActionEvent.objects.filter(pk=event.pk).update(at=when)


@transaction.atomic
def demo_supervision_seed(today: datetime.date) -> int:
    """The demo's items (none if there is no DRC or 商贸物流 problem to start from)."""
    drc = User.objects.filter(role=Role.DRC, unit__isnull=False).order_by(*DEMO_FIRST).first()
    leader = (
        User.objects.filter(role=Role.LEADER, official__name="黄燕添").order_by(*DEMO_FIRST).first()
    )
    problems = list(
        Problem.objects.filter(
            update__industry__code="commerce-logistics",
            update__is_demo=True,
            status=ProblemStatus.OPEN,
        )
        .select_related("update__unit", "update__industry")
        .order_by("update__period__year", "update__period__month", "pk")
    )
    if drc is None or len(problems) < 2 or ActionItem.objects.exists():
        return 0
    industry = problems[0].update.industry
    units = {u.name: u for u in Unit.objects.filter(name__in=["市商务局", "市交通局", "海沧区"])}
    staff = {
        name: User.objects.filter(unit=unit).order_by(*DEMO_FIRST).first()
        for name, unit in units.items()
    }
    held = today - datetime.timedelta(days=42)
    meeting = Meeting.objects.create(
        industry=industry,
        chair=Official.objects.get(name="黄燕添"),
        date=held,
        place="市政府3号楼第一会议室",
        minutes="会议研究了冷链物流园用地和物流用地保障问题，议定事项如下。",
        created_by=drc,
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        created_at=_at(held - datetime.timedelta(days=7)), minutes_recorded_at=_at(held, 17)
    )
    meeting.attending_units.set(units.values())
    agenda = problems[0]
    Problem.objects.filter(pk=agenda.pk).update(
        status=ProblemStatus.IN_MEETING,
        meeting=meeting,
        escalated_at=_at(held - datetime.timedelta(days=10)),
    )

    def item(
        decision,
        host,
        deadline,
        status,
        *,
        co=(),
        source=ActionSource.MEETING,
        problem=None,
        assigned=held,
    ):
        made = ActionItem.objects.create(
            industry=industry,
            source=source,
            meeting=meeting if source == ActionSource.MEETING else None,
            problem=problem,
            decision=decision,
            unit=units[host],
            deadline=deadline,
            status=status,
            assigned_at=_at(assigned, 17),
        )
        made.co_units.set([units[name] for name in co])
        _event(made, "created", drc, _at(assigned, 17), decision)
        return made

    closed = item(
        "市商务局牵头梳理冷链物流园用地需求清单",
        "市商务局",
        held + datetime.timedelta(days=14),
        ActionStatus.CLOSED,
        co=["海沧区"],
        problem=agenda,
    )
    _event(closed, "acknowledged", staff["市商务局"], _at(held + datetime.timedelta(days=1)))
    _event(
        closed,
        "co_input",
        staff["海沧区"],
        _at(held + datetime.timedelta(days=6)),
        "海沧区已提供可用地块清单。",
    )
    _event(
        closed,
        "reported",
        staff["市商务局"],
        _at(held + datetime.timedelta(days=12)),
        "需求清单已报市发改委（附清单）。",
    )
    _event(closed, "closed", drc, _at(held + datetime.timedelta(days=13)))
    ActionItem.objects.filter(pk=closed.pk).update(
        acknowledged_at=_at(held + datetime.timedelta(days=1)),
        reported_at=_at(held + datetime.timedelta(days=12)),
        closed_at=_at(held + datetime.timedelta(days=13)),
        evidence="需求清单已报市发改委（附清单）。",
    )
    late = item(
        "市交通局会同海沧区提出冷链物流园交通配套方案",
        "市交通局",
        today - datetime.timedelta(days=5),
        ActionStatus.IN_PROGRESS,
        co=["海沧区"],
    )
    _event(late, "acknowledged", staff["市交通局"], _at(held + datetime.timedelta(days=2)))
    _event(
        late,
        "progress",
        staff["市交通局"],
        _at(held + datetime.timedelta(days=20)),
        "已完成现场踏勘，方案编制中。",
    )
    ActionItem.objects.filter(pk=late.pk).update(
        acknowledged_at=_at(held + datetime.timedelta(days=2))
    )
    chase = ActionChase.objects.create(
        action=late,
        step="overdue",
        key=chase_key(late, ChaseStep.OVERDUE),
        text=f"【逾期催办】督办事项“{late.decision}”已超过办结期限，请尽快办理并反馈。",
        recipients=1,
    )
    ActionChase.objects.filter(pk=chase.pk).update(
        sent_at=_at(today - datetime.timedelta(days=4), 8)
    )
    reported = item(
        "市商务局研究冷链物流企业用电增容支持措施",
        "市商务局",
        today + datetime.timedelta(days=10),
        ActionStatus.REPORTED,
    )
    _event(reported, "acknowledged", staff["市商务局"], _at(held + datetime.timedelta(days=1)))
    _event(
        reported,
        "reported",
        staff["市商务局"],
        _at(today - datetime.timedelta(days=2)),
        "支持措施已报市政府审定。",
    )
    ActionItem.objects.filter(pk=reported.pk).update(
        acknowledged_at=_at(held + datetime.timedelta(days=1)),
        reported_at=_at(today - datetime.timedelta(days=2)),
        evidence="支持措施已报市政府审定。",
    )
    assigned_day = today - datetime.timedelta(days=3)
    item(
        problems[1].description[:60] + "（请研究解决）",
        "市交通局",
        today + datetime.timedelta(days=25),
        ActionStatus.ASSIGNED,
        co=["市商务局"],
        source=ActionSource.PROBLEM,
        problem=problems[1],
        assigned=assigned_day,
    )
    Problem.objects.filter(pk=problems[1].pk).update(status=ProblemStatus.ASSIGNED)
    if leader is not None:
        note = Instruction.objects.create(
            author=leader,
            text="冷链物流园交通配套请抓紧，月底前拿出方案。",
            action=late,
            industry=industry,
        )
        Instruction.objects.filter(pk=note.pk).update(
            created_at=_at(today - datetime.timedelta(days=3), 15)
        )
        _event(late, "instructed", leader, _at(today - datetime.timedelta(days=3), 15), note.text)
    comment = Comment.objects.create(
        author=drc, action=late, text="请@市交通局 本周内报送方案初稿，@海沧区 做好用地衔接。"
    )
    comment.mentions.set([units["市交通局"], units["海沧区"]])
    Comment.objects.filter(pk=comment.pk).update(
        created_at=_at(today - datetime.timedelta(days=2), 11)
    )
    # Written around the services: say what changed, as they would (My work, the dashboard).
    data_changed(topics.WORK, topics.actions(industry.pk), topics.problems(industry.pk))
    return ActionItem.objects.count()
