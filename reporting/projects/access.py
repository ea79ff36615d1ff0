"""Who keeps and who reads the project register, and the scoped fetch of a project (built on
accounts.access). The lead unit of an industry keeps its projects, and the unit following a
project may change it; readers of the industry, and the district a project is in, read it."""

from django.db.models import Q, QuerySet

from accounts.access import can, fetch, industries_for, reads_everything, require
from accounts.choices import Action, Role
from accounts.models import User
from chains.models import Industry
from reporting.models import Project


def keeps_register(user: User, industry: Industry) -> bool:
    """The industry's lead unit files its monthly updates and keeps its projects."""
    return can(user, Action.FILE, industry)


def can_change_project(user: User, project: Project) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (
            (bool(user.unit_id) and user.unit_id == project.responsible_unit_id)
            or keeps_register(user, project.industry)
        )
    )


def readable_projects(user: User) -> QuerySet[Project]:
    """The projects the user may read: system-wide readers all; others those of the industries
    they view, those in their district and those their unit follows; 市招商办 all. Removed ones
    included (the caller filters)."""
    projects = Project.objects.all()
    # 市招商办 guides investment into every industry: it reads the whole register.
    if reads_everything(user) or (user.is_authenticated and user.role == Role.INVESTMENT):
        return projects
    if not (user.is_authenticated and user.is_active):
        return projects.none()
    readable = Q(industry__in=industries_for(user, Action.VIEW))
    if user.unit_id:
        readable |= Q(district_id=user.unit_id) | Q(responsible_unit_id=user.unit_id)
    return projects.filter(readable)


def access_project(*, user: User, pk: int, change: bool = False) -> Project:
    """A project, if it exists (else 404) and the user may read it — or, with `change`, change
    it (else 403)."""
    project = fetch(
        Project.objects.select_related("industry", "district", "carrier", "responsible_unit"),
        pk=pk,
    )
    if change:
        require(can_change_project(user, project))
    else:
        require(readable_projects(user).filter(pk=project.pk).exists())
    return project
