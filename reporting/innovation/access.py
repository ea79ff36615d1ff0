"""Who keeps and reads the innovation registers (built on accounts.access): the industry's lead
unit and its responsible units record (市科技局 leads most of the industries concerned); the
unit that recorded an entry and the lead unit change it; whoever views the industry reads."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import can, fetch, industries_for, require
from accounts.choices import Action
from accounts.models import User
from chains.models import Industry
from reporting.models import (
    InnovationPlatform,
    ResultTransfer,
    TalentIntake,
    TechMilestone,
    TechProject,
)

RECORDS = {
    "platform": InnovationPlatform,
    "project": TechProject,
    "transfer": ResultTransfer,
    "talent": TalentIntake,
}


def industries_recording(user: User) -> QuerySet[Industry]:
    """The industries whose innovation registers the user's unit writes to: those it leads or
    contributes to."""
    if not (user.is_authenticated and user.is_active and user.unit_id):
        return Industry.objects.none()
    return (industries_for(user, Action.FILE) | industries_for(user, Action.CONTRIBUTE)).distinct()


def can_record(user: User, industry: Industry) -> bool:
    return industries_recording(user).filter(pk=industry.pk).exists()


def can_change(user: User, record) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and bool(user.unit_id)
        and (user.unit_id == record.unit_id or can(user, Action.FILE, record.industry))
    )


def access_record(*, user: User, kind: str, pk: int, change: bool = False):
    """A platform, research project, transfer or talent entry: 404 unless it exists; 403
    unless the user reads its industry (or, with `change`, may change it)."""
    model = RECORDS.get(kind)
    if model is None:
        raise Http404("No such kind of record.")
    record = fetch(model.objects.select_related("industry", "unit"), pk=pk)
    require(can_change(user, record) if change else can(user, Action.VIEW, record.industry))
    return record


def access_milestone(*, user: User, pk: int) -> TechMilestone:
    milestone = fetch(
        TechMilestone.objects.select_related("project__industry", "project__unit"), pk=pk
    )
    require(can_change(user, milestone.project))
    return milestone
