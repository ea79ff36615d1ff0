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

from accounts.choices import Action, Role
from accounts.models import User
from chains.models import (
    Industry,
    IndustryGroupObjectPermission,
    IndustryUserObjectPermission,
    Unit,
)

PERMISSIONS = {
    Action.VIEW: "chains.view_industry",
    Action.FILE: "chains.file_industry",
    Action.CONTRIBUTE: "chains.contribute_industry",
}

# Roles that read every industry without being named in the matrix.
SYSTEM_WIDE_READERS = (Role.DRC, Role.STATISTICS, Role.ADMIN)


def reads_everything(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role in SYSTEM_WIDE_READERS)


def _fetch(queryset: QuerySet, **lookup):
    """The object matching `lookup`, else 404."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404(f"No such {queryset.model._meta.model_name}.")
    return found


def _require(allowed: bool) -> None:
    """403 unless the user may."""
    if not allowed:
        raise PermissionDenied


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
    industry = _fetch(Industry.objects.select_related("category", "assignment"), code=code)
    _require(can(user, action, industry))
    return industry


def access_unit(*, user: User, code: str) -> Unit:
    """A unit page is for the unit's own staff and for those who read the whole system."""
    unit = _fetch(Unit.objects, code=code)
    _require(reads_everything(user) or (user.unit_id and user.unit_id == unit.pk))
    return unit


def can_read_matrix_history(user: User) -> bool:
    """The whole record of changes to the matrix (责任分工变更记录) is for the DRC, which
    coordinates the division of work, and for the administrators who keep it. (Each industry
    page shows its own changes to those who view the industry.)"""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.DRC, Role.ADMIN))
    )


def access_matrix_history(*, user: User, industry_code: str | None = None) -> Industry | None:
    """403 unless the user may read the record of changes; the industry it is narrowed to,
    if one is named (else 404)."""
    _require(can_read_matrix_history(user))
    if industry_code:
        return _fetch(Industry.objects, code=industry_code)
    return None


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
        if action := codenames.get(codename):
            roles[industry_id] = max(roles.get(industry_id, action), action, key=strength.index)
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
        raise Http404 from None
    _require(can_update(user, action, update))
    return update


def access_month_updates(*, user: User, period) -> list:
    """Every update the user's unit files for the month, in matrix order, if the user may edit
    each one (else 403). The industries the user files for are read once, not per update."""
    from reporting.selectors import unit_month_updates

    updates = unit_month_updates(user.unit_id, period)
    if updates:
        # can_update's EDIT rule for all of them at once: they are the user's unit's own.
        filing = set(industries_for(user, Action.FILE).values_list("pk", flat=True))
        _require(all(u.industry_id in filing for u in updates))
    return updates


def access_attachment(*, user: User, pk: int):
    from reporting.models import Attachment

    attachment = _fetch(
        Attachment.objects.select_related("update__industry"),
        pk=pk,
        removed_at__isnull=True,
    )
    _require(can_update(user, UpdateAction.VIEW, attachment.update))
    return attachment


# --- statistics ----------------------------------------------------------------------------------


def can_import_statistics(user: User) -> bool:
    """Statistics staff (and administrators) bring in the bureau's files."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.STATISTICS, Role.ADMIN))
    )


def can_read_statistics(user: User) -> bool:
    """The imports and their files: statistics staff and system-wide readers."""
    return can_import_statistics(user) or reads_everything(user)


def access_enterprise(*, user: User, pk: int):
    from chains.models import Enterprise

    enterprise = _fetch(
        Enterprise.objects.select_related("industry", "district", "subsegment"),
        pk=pk,
    )
    _require(can(user, Action.VIEW, enterprise.industry))
    return enterprise


def access_figure_import(*, user: User, pk: int, write: bool = False):
    from chains.models import FigureImport

    record = _fetch(FigureImport.objects.select_related("uploaded_by"), pk=pk)
    _require(can_import_statistics(user) if write else can_read_statistics(user))
    return record


# --- coordination ----------------------------------------------------------------------------------


def access_problem(*, user: User, pk: int):
    """A problem to escalate (提请协调): the DRC's alone. (Units read problems in lists scoped by
    industries_for, not through this fetch.)"""
    from reporting.models import Problem

    problem = _fetch(
        Problem.objects.select_related(
            "update__industry", "update__unit", "update__period", "meeting"
        ),
        pk=pk,
    )
    _require(can_review(user))
    return problem


def access_meeting(*, user: User, pk: int, write: bool = False):
    """A meeting is seen by those who take part in its industry; only the DRC records it."""
    from reporting.models import Meeting

    meeting = _fetch(Meeting.objects.select_related("industry", "chair"), pk=pk)
    _require(can_review(user) if write else can(user, Action.VIEW, meeting.industry))
    return meeting


def access_action(*, user: User, pk: int, act: str = "view"):
    """view: the industry's participants and the responsible unit; respond (progress,
    extension, close): the responsible unit's staff; grant: the DRC."""
    from reporting.models import ActionItem

    action = _fetch(
        ActionItem.objects.select_related("meeting__industry", "meeting__chair", "unit", "problem"),
        pk=pk,
    )
    own = bool(user.unit_id) and user.unit_id == action.unit_id
    _require(
        {
            "view": own or can(user, Action.VIEW, action.meeting.industry),
            "respond": own,
            "grant": can_review(user),
        }[act]
    )
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

    plan = _fetch(
        WorkPlan.objects.select_related("unit", "industry", "plan_year", "created_by"),
        pk=pk,
    )
    _require(can_plan(user, action, plan))
    return plan


def access_land_item(*, user: User, pk: int):
    """A land item, to change: only its unit's staff may (others read items in lists)."""
    from reporting.models import LandItem

    item = _fetch(LandItem.objects.select_related("unit", "industry", "carrier"), pk=pk)
    _require(bool(user.unit_id) and user.unit_id == item.unit_id)
    return item


def can_edit_policies(user: User, industry: Industry) -> bool:
    """An industry's policy register is kept by the units that file for it."""
    return bool(user.unit_id) and can(user, Action.FILE, industry)


def access_policy_record(*, user: User, pk: int, write: bool = False):
    """An industry policy (not to be confused with accounts.policies, the views' access rules)."""
    from chains.models import Policy

    policy = _fetch(Policy.objects.select_related("industry", "issuer", "created_by"), pk=pk)
    _require(
        can_edit_policies(user, policy.industry)
        if write
        else can(user, Action.VIEW, policy.industry)
    )
    return policy


def can_assess_districts(user: User) -> bool:
    """The districts' assessment is the DRC's (and system-wide readers') page."""
    return reads_everything(user)


# --- reports ----------------------------------------------------------------------------------------


def reads_city_overview(user: User) -> bool:
    """The dashboard and the final reports are for the city's leaders and system-wide readers
    (the DRC among them)."""
    return reads_everything(user) or (user.is_authenticated and user.role == Role.LEADER)


# The dashboard's filters, and the link from each to the industries it selects.
DASHBOARD_FILTERS = {
    "category": "category__code",
    "industry": "code",
    "official": "assignment__official_links__official__code",
    "unit": "assignment__unit_links__unit__code",
}
OUT_OF_SCOPE = {
    "category": "所选产业类别中没有您可以查看的产业，无权查看其工作看板。",
    "industry": "所选产业不在您的查看范围内，无权查看其工作看板。您只能查看本人牵头的产业。",
    "official": "所选牵头市领导不负责您可以查看的产业，无权查看其工作看板。",
    "unit": "所选牵头单位不承担您可以查看的产业，无权查看其工作看板。",
}


def dashboard_scope(user: User) -> dict[str, set[str]] | None:
    """For each dashboard filter, the codes that select some industry the user may view; None
    for a system-wide reader, for whom every value does. Four queries."""
    if reads_everything(user):
        return None
    industries = industries_for(user)
    return {
        name: set(industries.values_list(path, flat=True).distinct()) - {None}
        for name, path in DASHBOARD_FILTERS.items()
    }


def access_dashboard_industries(
    *, user: User, scope: dict[str, set[str]] | None, **filters: str
) -> QuerySet[Industry]:
    """The industries the dashboard shows for `filters` (category, industry, official, unit:
    codes, empty for all). A value that names nothing is a 404; one outside the user's
    industries (`scope`, from dashboard_scope) a 403 with the reason, never an empty page
    that reads as if it showed everything."""
    from chains.models import Category, Official

    models = {"category": Category, "industry": Industry, "official": Official, "unit": Unit}
    industries = industries_for(user)
    for name, code in filters.items():
        if not code:
            continue
        _fetch(models[name].objects, code=code)
        if scope is not None and code not in scope[name]:
            raise PermissionDenied(OUT_OF_SCOPE[name])
        industries = industries.filter(**{DASHBOARD_FILTERS[name]: code})
    return industries


def access_report(*, user: User, pk: int, write: bool = False):
    """Drafts are the DRC's alone; a final report is read by the DRC, system-wide readers and
    city leaders, and changed by no one."""
    from reporting.choices import ReportStatus
    from reporting.models import Report

    report = _fetch(
        Report.objects.select_related("generated_by", "finalised_by", "edited_by"), pk=pk
    )
    if write or report.status == ReportStatus.DRAFT:
        _require(can_review(user))
    else:
        _require(reads_city_overview(user))
    return report


def access_report_job(*, user: User, pk: int):
    from reporting.models import ReportJob

    job = _fetch(ReportJob.objects, pk=pk)
    _require(can_review(user))
    return job
