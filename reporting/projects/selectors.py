"""Reads of the project register: the lines a new monthly update starts from, the register's
list with its filters, a project's page, and the pipeline (by stage, industry and district,
investment by stage, projects stuck in a stage). Each a bounded number of queries."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum

from accounts.models import User
from chains.choices import UnitRole
from chains.matrix.models import display_name
from chains.models import AssignmentUnit, Industry, Unit
from reporting.choices import ProjectStage, UpdateStatus
from reporting.models import KeyProject, MonthlyUpdate, Project
from reporting.projects.access import readable_projects

PIPELINE = [
    ProjectStage.PLANNING,
    ProjectStage.SIGNED,
    ProjectStage.CONSTRUCTION,
    ProjectStage.OPERATING,
    ProjectStage.PAUSED,
    ProjectStage.STOPPED,
]


def stuck_months() -> int:
    """How long a project may stay in 策划, 签约 or 开工 before the pipeline calls it stuck."""
    return settings.PROJECT_STUCK_MONTHS


def stuck_before(on: datetime.date) -> datetime.date:
    months = stuck_months()
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    month += 1
    day = min(on.day, 28)
    return datetime.date(year, month, day)


def stuck_q(on: datetime.date) -> Q:
    return Q(
        stage__in=[ProjectStage.PLANNING, ProjectStage.SIGNED, ProjectStage.CONSTRUCTION],
        stage_since__lt=stuck_before(on),
    )


def lines_to_carry(industry: Industry, unit: Unit, previous: MonthlyUpdate | None) -> list[dict]:
    """The project lines a lead unit's new month starts with: every project of the industry
    still followed (策划, 签约, 开工, 暂停) that this unit follows — and, for the industry's first
    lead unit, those another unit (not a lead unit) follows — at its register stage and
    investment, with last month's progress when the update carries last month over; then last
    month's lines not in the register (typed before it existed, or not yet accepted). Two
    queries."""
    lead_units = list(
        AssignmentUnit.objects.filter(assignment_id=industry.assignment_id, role=UnitRole.LEAD)
        .order_by("position", "id")
        .values_list("unit_id", flat=True)
    )
    # A project followed by another unit (a district's signed lead) is reported by the
    # industry's first lead unit only, never twice.
    followed = Q(responsible_unit=unit)
    if lead_units and lead_units[0] == unit.pk:
        followed |= ~Q(responsible_unit__in=lead_units)
    previous_lines = list(previous.key_projects.all()) if previous is not None else []
    progress = {line.project_id: line.progress for line in previous_lines if line.project_id}
    lines = [
        {
            "project_id": p.pk,
            "name": p.name,
            "stage": p.stage,
            "investment": p.investment,
            "carried_stage": p.stage,
            "carried_investment": p.investment,
            "progress": progress.get(p.pk, ""),
        }
        for p in Project.objects.filter(
            followed,
            industry=industry,
            removed_at__isnull=True,
            stage__in=ProjectStage.active_values(),
        ).order_by("created_at", "id")
    ]
    lines += [
        {
            "project_id": None,
            "name": line.name,
            "stage": line.stage,
            "investment": line.investment,
            "progress": line.progress,
        }
        for line in previous_lines
        if line.project_id is None
    ]
    return lines


def district_projects(district: Unit) -> dict:
    """The register's projects in a district or development zone: how many per stage (one
    query)."""
    labels = dict(ProjectStage.choices)
    rows = (
        Project.objects.filter(district=district, removed_at__isnull=True)
        .order_by()
        .values("stage")
        .annotate(n=Count("id"), money=Sum("investment"))
    )
    found = {row["stage"]: row for row in rows}
    return {
        "stages": [(labels[stage], found[stage]["n"]) for stage in PIPELINE if stage in found],
        "count": sum(row["n"] for row in found.values()),
        "investment": sum((row["money"] or Decimal(0) for row in found.values()), Decimal(0)),
    }


def _listed(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.select_related("industry", "district", "carrier", "responsible_unit")


SORTS = {
    "name": ("name", "id"),
    # Projects without a figure last, whichever the database.
    "-investment": (F("investment").desc(nulls_last=True), "id"),
    "investment": (F("investment").asc(nulls_last=True), "id"),
    "stage_since": ("stage_since", "id"),
    "industry": ("industry__position", "name", "id"),
}


@dataclass
class RegisterFilters:
    industry: str = ""
    stage: str = ""
    district: str = ""
    stuck: bool = False
    removed: bool = False
    q: str = ""
    sort: str = "industry"


def register(user: User, filters: RegisterFilters, on: datetime.date) -> QuerySet[Project]:
    """The projects the user may read, filtered and sorted (one query when evaluated)."""
    projects = readable_projects(user).filter(removed_at__isnull=not filters.removed)
    if filters.industry:
        projects = projects.filter(industry__code=filters.industry)
    if filters.stage in ProjectStage.values:
        projects = projects.filter(stage=filters.stage)
    if filters.district:
        projects = projects.filter(district__code=filters.district)
    if filters.stuck:
        projects = projects.filter(stuck_q(on))
    if filters.q:
        projects = projects.filter(Q(name__icontains=filters.q) | Q(investor__icontains=filters.q))
    return _listed(projects).order_by(*SORTS.get(filters.sort, SORTS["industry"]))


def project_page(project: Project) -> dict:
    """A project's lines in accepted monthly updates (newest first; a draft's text is its
    unit's until the DRC accepts it), its history and its land items: three queries."""
    return {
        "lines": list(
            KeyProject.objects.filter(project=project, update__status=UpdateStatus.ACCEPTED)
            .select_related("update__period", "update__unit")
            .order_by("-update__period__year", "-update__period__month")
        ),
        "events": list(project.events.select_related("actor", "update__period")),
        "land_items": list(project.land_items.select_related("unit", "carrier")),
    }


@dataclass
class Pipeline:
    stages: list[dict]
    industries: list[dict]
    districts: list[dict]
    stuck: list[Project]
    stuck_months: int
    total: int
    investment: Decimal


def pipeline(
    projects: QuerySet[Project], on: datetime.date, stuck_limit: int = 20, detail: bool = True
) -> Pipeline:
    """The register in numbers: per stage (count and investment), the projects stuck longest
    and — with `detail` — per industry and per district (count per stage). Two queries, four
    with `detail`."""
    projects = projects.filter(removed_at__isnull=True)
    labels = dict(ProjectStage.choices)
    per_stage = {
        row["stage"]: row
        for row in projects.order_by()
        .values("stage")
        .annotate(n=Count("id"), money=Sum("investment"))
    }
    stages = [
        {
            "stage": stage.value,
            "label": labels[stage],
            "count": per_stage.get(stage, {}).get("n", 0),
            "investment": per_stage.get(stage, {}).get("money") or Decimal(0),
        }
        for stage in PIPELINE
    ]
    counts = {stage: Count("id", filter=Q(stage=stage)) for stage in PIPELINE}

    def grouped(key: str) -> list[dict]:
        """Per industry or district, its names and code read in the same query."""
        return [
            {
                "code": row[f"{key}__code"],
                "name": display_name(row[f"{key}__name"], row[f"{key}__name_en"]),
                "total": row["total"],
                "investment": row["money"] or Decimal(0),
                "counts": [row[stage] for stage in PIPELINE],
            }
            for row in projects.filter(**{f"{key}__isnull": False})
            .order_by(f"{key}__position")
            .values(f"{key}__code", f"{key}__name", f"{key}__name_en", f"{key}__position")
            .annotate(total=Count("id"), money=Sum("investment"), **counts)
        ]

    stuck = list(_listed(projects.filter(stuck_q(on))).order_by("stage_since", "id")[:stuck_limit])
    return Pipeline(
        stages=stages,
        industries=grouped("industry") if detail else [],
        districts=grouped("district") if detail else [],
        stuck=stuck,
        stuck_months=stuck_months(),
        total=sum(s["count"] for s in stages),
        investment=sum((s["investment"] for s in stages), Decimal(0)),
    )
