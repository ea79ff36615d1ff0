"""The one place that answers "which industries may this user view, file for or contribute to".

Every view reaches unit-scoped data through these functions; none queries such models
directly. Object permissions come from django-guardian, kept in step with the matrix by
accounts.services.permissions_sync; DRC, statistics staff and administrators see everything.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from chains.models import (
    Industry,
    IndustryGroupObjectPermission,
    IndustryUserObjectPermission,
    Unit,
)

from .choices import Action, Role
from .models import User

PERMISSIONS = {
    Action.VIEW: "chains.view_industry",
    Action.FILE: "chains.file_industry",
    Action.CONTRIBUTE: "chains.contribute_industry",
}

# Roles that read every industry without being named in the matrix.
SYSTEM_WIDE_READERS = (Role.DRC, Role.STATISTICS, Role.ADMIN)


def reads_everything(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role in SYSTEM_WIDE_READERS)


def industries_for(user: User, action: Action = Action.VIEW) -> QuerySet[Industry]:
    """The industries the user may act on. Filing and contributing come only from the matrix:
    not even an administrator files another unit's update."""
    if not user.is_authenticated or not user.is_active:
        return Industry.objects.none()
    if action == Action.VIEW and reads_everything(user):
        return Industry.objects.all()
    return get_objects_for_user(
        user,
        PERMISSIONS[action],
        klass=Industry,
        accept_global_perms=False,
        with_superuser=False,
    )


def can(user: User, action: Action, industry: Industry) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if action == Action.VIEW and reads_everything(user):
        return True
    return industries_for(user, action).filter(pk=industry.pk).exists()


def access_industry(*, user: User, code: str, action: Action = Action.VIEW) -> Industry:
    """The industry, if it exists (else 404) and the user may act on it (else 403)."""
    industry = Industry.objects.select_related("category", "assignment").filter(code=code).first()
    if industry is None:
        raise Http404("No such industry.")
    if not can(user, action, industry):
        raise PermissionDenied
    return industry


def access_unit(*, user: User, code: str) -> Unit:
    """A unit page is for the unit's own staff and for those who read the whole system."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404("No such unit.")
    if not (reads_everything(user) or (user.unit_id and user.unit_id == unit.pk)):
        raise PermissionDenied
    return unit


def industry_roles(user: User) -> dict[int, Action]:
    """For each industry the user may view, the strongest thing they may do: file, contribute
    or view. Reads the object-permission rows of guardian's direct tables in two queries,
    whatever the number of industries."""
    if not user.is_authenticated or not user.is_active:
        return {}
    codenames = {PERMISSIONS[a].split(".")[1]: a for a in Action}
    granted = (
        IndustryGroupObjectPermission.objects.filter(group__user=user)
        .values_list("content_object_id", "permission__codename")
        .union(
            IndustryUserObjectPermission.objects.filter(user=user).values_list(
                "content_object_id", "permission__codename"
            )
        )
    )
    strength = [Action.VIEW, Action.CONTRIBUTE, Action.FILE]
    roles: dict[int, Action] = {}
    if reads_everything(user):
        roles = dict.fromkeys(Industry.objects.values_list("pk", flat=True), Action.VIEW)
    for industry_id, codename in granted:
        action = codenames.get(codename)
        if action and strength.index(action) > strength.index(roles.get(industry_id, Action.VIEW)):
            roles[industry_id] = action
        elif action:
            roles.setdefault(industry_id, action)
    return roles


# --- monthly updates -------------------------------------------------------------------------


class UpdateAction(StrEnum):
    VIEW = "view"  # lead, responsible and reading units, DRC, leaders of the industry
    EDIT = "edit"  # only the staff of the unit that files it
    CONTRIBUTE = "contribute"  # responsible units add inputs
    REVIEW = "review"  # DRC staff


def can_review(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.DRC


def can_update(user: User, action: UpdateAction, update) -> bool:
    if action == UpdateAction.REVIEW:
        return can_review(user)
    if action == UpdateAction.EDIT:
        return (
            bool(user.unit_id)
            and user.unit_id == update.unit_id
            and can(user, Action.FILE, update.industry)
        )
    if action == UpdateAction.CONTRIBUTE:
        return can(user, Action.CONTRIBUTE, update.industry)
    return can(user, Action.VIEW, update.industry)


def access_update(*, user: User, pk: int, action: UpdateAction = UpdateAction.VIEW):
    """The update, if it exists (else 404) and the user may act on it (else 403)."""
    from reporting.models import MonthlyUpdate
    from reporting.selectors import update_for_page

    try:
        update = update_for_page(pk)
    except MonthlyUpdate.DoesNotExist:
        raise Http404("No such update.") from None
    if not can_update(user, action, update):
        raise PermissionDenied
    return update


def access_attachment(*, user: User, pk: int):
    from reporting.models import Attachment

    attachment = (
        Attachment.objects.select_related("update__industry")
        .filter(pk=pk, removed_at__isnull=True)
        .first()
    )
    if attachment is None:
        raise Http404("No such attachment.")
    if not can_update(user, UpdateAction.VIEW, attachment.update):
        raise PermissionDenied
    return attachment


# --- statistics ----------------------------------------------------------------------------------


def can_import_statistics(user: User) -> bool:
    """Statistics staff (and administrators) bring in the bureau's files."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.STATISTICS, Role.ADMIN))
    )


def access_enterprise(*, user: User, pk: int):
    from chains.models import Enterprise

    enterprise = (
        Enterprise.objects.select_related("industry", "district", "subsegment")
        .filter(pk=pk)
        .first()
    )
    if enterprise is None:
        raise Http404("No such enterprise.")
    if not can(user, Action.VIEW, enterprise.industry):
        raise PermissionDenied
    return enterprise


def access_figure_import(*, user: User, pk: int, write: bool = False):
    from chains.models import FigureImport

    record = FigureImport.objects.select_related("uploaded_by").filter(pk=pk).first()
    if record is None:
        raise Http404("No such import.")
    allowed = (
        can_import_statistics(user)
        if write
        else (can_import_statistics(user) or reads_everything(user))
    )
    if not allowed:
        raise PermissionDenied
    return record


# --- coordination ----------------------------------------------------------------------------------


def access_problem(*, user: User, pk: int, escalate: bool = False):
    from reporting.models import Problem

    problem = (
        Problem.objects.select_related(
            "update__industry", "update__unit", "update__period", "meeting"
        )
        .filter(pk=pk)
        .first()
    )
    if problem is None:
        raise Http404("No such problem.")
    allowed = can_review(user) if escalate else can(user, Action.VIEW, problem.update.industry)
    if not allowed:
        raise PermissionDenied
    return problem


def access_meeting(*, user: User, pk: int, write: bool = False):
    """A meeting is seen by those who take part in its industry; only the DRC records it."""
    from reporting.models import Meeting

    meeting = Meeting.objects.select_related("industry", "chair").filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting.")
    allowed = can_review(user) if write else can(user, Action.VIEW, meeting.industry)
    if not allowed:
        raise PermissionDenied
    return meeting


def access_action(*, user: User, pk: int, act: str = "view"):
    """view: the industry's participants and the responsible unit; respond (progress,
    extension, close): the responsible unit's staff; grant: the DRC."""
    from reporting.models import ActionItem

    action = (
        ActionItem.objects.select_related("meeting__industry", "meeting__chair", "unit", "problem")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404("No such action item.")
    own = bool(user.unit_id) and user.unit_id == action.unit_id
    allowed = {
        "view": own or can(user, Action.VIEW, action.meeting.industry),
        "respond": own,
        "grant": can_review(user),
    }[act]
    if not allowed:
        raise PermissionDenied
    return action


# --- work plans, land items, policies, district assessment ------------------------------------


class PlanAction(StrEnum):
    VIEW = "view"  # the unit, DRC and system-wide readers, and those who view the plan's industry
    EDIT = "edit"  # the unit's own staff (for an industry plan: a unit that files for it)
    REVIEW = "review"  # DRC staff


def can_plan(user: User, action: PlanAction, plan) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    own = bool(user.unit_id) and user.unit_id == plan.unit_id
    if action == PlanAction.REVIEW:
        return can_review(user)
    if action == PlanAction.EDIT:
        return own and (plan.industry_id is None or can(user, Action.FILE, plan.industry))
    return (
        own
        or reads_everything(user)
        or (plan.industry_id is not None and can(user, Action.VIEW, plan.industry))
    )


def access_plan(*, user: User, pk: int, action: PlanAction = PlanAction.VIEW):
    """The work plan, if it exists (else 404) and the user may act on it (else 403)."""
    from reporting.models import WorkPlan

    plan = (
        WorkPlan.objects.select_related("unit", "industry", "plan_year", "created_by")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404("No such work plan.")
    if not can_plan(user, action, plan):
        raise PermissionDenied
    return plan


def access_land_item(*, user: User, pk: int, write: bool = False):
    """A land item is changed only by its unit's staff; it is read by them, by system-wide
    readers and by those who view its industry."""
    from reporting.models import LandItem

    item = LandItem.objects.select_related("unit", "industry", "carrier").filter(pk=pk).first()
    if item is None:
        raise Http404("No such land item.")
    own = bool(user.unit_id) and user.unit_id == item.unit_id
    if write:
        allowed = own
    else:
        allowed = (
            own
            or reads_everything(user)
            or (item.industry_id is not None and can(user, Action.VIEW, item.industry))
        )
    if not allowed:
        raise PermissionDenied
    return item


def can_edit_policies(user: User, industry: Industry) -> bool:
    """An industry's policy register is kept by the units that file for it."""
    return bool(user.unit_id) and can(user, Action.FILE, industry)


def access_policy_record(*, user: User, pk: int, write: bool = False):
    """An industry policy (not to be confused with accounts.policies, the views' access rules)."""
    from chains.models import Policy

    policy = Policy.objects.select_related("industry", "issuer", "created_by").filter(pk=pk).first()
    if policy is None:
        raise Http404("No such policy.")
    allowed = (
        can_edit_policies(user, policy.industry)
        if write
        else can(user, Action.VIEW, policy.industry)
    )
    if not allowed:
        raise PermissionDenied
    return policy


def can_assess_districts(user: User) -> bool:
    """The districts' assessment is the DRC's (and system-wide readers') page."""
    return reads_everything(user)


# --- reports ----------------------------------------------------------------------------------------


def can_read_reports(user: User) -> bool:
    """Final reports go to the city's leaders; system-wide readers see them too."""
    return reads_everything(user) or (user.is_authenticated and user.role == Role.LEADER)


def access_report(*, user: User, pk: int, write: bool = False):
    """Drafts are the DRC's alone; a final report is read by the DRC, system-wide readers and
    city leaders, and changed by no one."""
    from reporting.choices import ReportStatus
    from reporting.models import Report

    report = (
        Report.objects.select_related("generated_by", "finalised_by", "edited_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    if write or report.status == ReportStatus.DRAFT:
        allowed = can_review(user)
    else:
        allowed = can_review(user) or can_read_reports(user)
    if not allowed:
        raise PermissionDenied
    return report


def access_report_job(*, user: User, pk: int):
    from reporting.models import ReportJob

    job = ReportJob.objects.filter(pk=pk).first()
    if job is None:
        raise Http404("No such job.")
    if not can_review(user):
        raise PermissionDenied
    return job
