"""Search from the header: industries, units, enterprises, projects, problems, monthly updates
and policies whose names or text contain the words typed, each kind limited to what the user may
open. Chinese has no spaces to split on, so it matches substrings: `icontains`, which PostgreSQL
answers from trigram indexes (pg_trgm, migration reporting/0021) and SQLite by scanning."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.access import industries_for, reads_everything
from accounts.models import User
from chains.models import Enterprise, Policy, Unit
from reporting.models import MonthlyUpdate, Problem
from reporting.projects.access import readable_projects
from reporting.updates.snapshots import TEXT_FIELDS

SHOWN = 10  # results per kind
MIN_LENGTH = 2  # one character matches too much to be useful
MAX_LENGTH = 50


@dataclass
class Group:
    kind: str  # the template names each kind's label and link
    rows: list
    more: bool  # more than SHOWN matched


def words(query: str) -> list[str]:
    """The words typed: split on spaces, each at least MIN_LENGTH characters; all must match."""
    return [w for w in query[:MAX_LENGTH].split() if len(w) >= MIN_LENGTH][:4]


def _matching(rows: QuerySet, fields: tuple[str, ...], terms: list[str]) -> QuerySet:
    for term in terms:
        anywhere = Q()
        for field in fields:
            anywhere |= Q(**{f"{field}__icontains": term})
        rows = rows.filter(anywhere)
    return rows


def _group(kind: str, rows: QuerySet) -> Group:
    found = list(rows[: SHOWN + 1])
    return Group(kind=kind, rows=found[:SHOWN], more=len(found) > SHOWN)


def search(user: User, query: str) -> list[Group]:
    """Each kind's first matches the user may open (empty kinds left out). Seven queries."""
    terms = words(query)
    if not terms:
        return []
    viewable = industries_for(user)
    if reads_everything(user):
        units = Unit.objects.all()
    else:
        units = Unit.objects.filter(pk=user.unit_id) if user.unit_id else Unit.objects.none()
    groups = [
        _group("industry", _matching(viewable, ("name", "name_en"), terms).order_by("position")),
        _group("unit", _matching(units, ("name", "name_en"), terms).order_by("position")),
        _group(
            "enterprise",
            _matching(
                Enterprise.objects.filter(industry__in=viewable), ("name", "credit_code"), terms
            )
            .select_related("industry")
            .order_by("name", "pk"),
        ),
        _group(
            "project",
            _matching(
                readable_projects(user).filter(removed_at__isnull=True), ("name", "investor"), terms
            )
            .select_related("industry")
            .order_by("-pk"),
        ),
        _group(
            "problem",
            _matching(
                Problem.objects.filter(update__industry__in=viewable), ("description",), terms
            )
            .select_related("update__industry", "update__period")
            .order_by("-update__period__year", "-update__period__month", "-pk"),
        ),
        _group(
            "update",
            _matching(MonthlyUpdate.objects.filter(industry__in=viewable), TEXT_FIELDS, terms)
            .select_related("industry", "unit", "period")
            .order_by("-period__year", "-period__month", "industry__position"),
        ),
        _group(
            "policy",
            _matching(Policy.objects.filter(industry__in=viewable), ("title",), terms)
            .select_related("industry")
            .order_by("-issued_on", "-pk"),
        ),
    ]
    return [group for group in groups if group.rows]
