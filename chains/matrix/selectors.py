"""Reads of the matrix. Each returns querysets with their related rows fetched in a fixed
number of queries, however many industries or units there are."""

from django.db.models import Prefetch, QuerySet

from chains.choices import LIST_SEPARATOR, LoadedTable, UnitRole
from chains.models import (
    Assignment,
    AssignmentOfficial,
    AssignmentUnit,
    Category,
    Industry,
    MatrixChange,
    Unit,
)

MATRIX_COLUMNS = ("category", "industry", "lead_officials", "lead_units", "responsible_units")


def industries_with_assignments(queryset: QuerySet[Industry] | None = None) -> QuerySet[Industry]:
    """Industries with category, assignment, officials and units: three queries in all."""
    queryset = Industry.objects.all() if queryset is None else queryset
    return queryset.select_related("category", "assignment").prefetch_related(
        Prefetch(
            "assignment__official_links",
            queryset=AssignmentOfficial.objects.select_related("official").order_by(
                "position", "id"
            ),
        ),
        Prefetch(
            "assignment__unit_links",
            queryset=AssignmentUnit.objects.select_related("unit").order_by("position", "id"),
        ),
    )


def industries_in_order() -> QuerySet[Industry]:
    return Industry.objects.order_by("category__position", "position", "id")


def assignments_named(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Assignments with their industries, which name them (Assignment.__str__): one query
    more, however many assignments."""
    return queryset.prefetch_related(Prefetch("industries", queryset=industries_in_order()))


def assignments_with_links(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Assignments with their industries, officials and units (Assignment.official_list and
    the unit lists read them): three queries more, however many assignments."""
    return assignments_named(queryset).prefetch_related(
        Prefetch(
            "official_links",
            queryset=AssignmentOfficial.objects.select_related("official").order_by(
                "position", "id"
            ),
        ),
        Prefetch(
            "unit_links",
            queryset=AssignmentUnit.objects.select_related("unit").order_by("position", "id"),
        ),
    )


def matrix_by_category() -> list[tuple[Category, list[list[Industry]]]]:
    """The matrix as the source lays it out: categories in order, each with its industries
    grouped by shared assignment (the six future industries form one group)."""
    grouped: dict[int, list[list[Industry]]] = {}
    for industry in industries_with_assignments():
        groups = grouped.setdefault(industry.category_id, [])
        if groups and groups[-1][0].assignment_id == industry.assignment_id:
            groups[-1].append(industry)
        else:
            groups.append([industry])
    return [(c, grouped.get(c.pk, [])) for c in Category.objects.all()]


def assignment_names(industry: Industry) -> dict[str, list[str]]:
    """The canonical names in an industry's assignment, in order."""
    return assignment_row(industry.assignment)


def assignment_row(assignment: Assignment) -> dict[str, list[str]]:
    """An assignment's officials, lead units and responsible units by name, in order (from the
    prefetched links when there are some)."""
    return {
        "lead_officials": [o.name for o in assignment.official_list()],
        "lead_units": [u.name for u in assignment.lead_unit_list()],
        "responsible_units": [u.name for u in assignment.responsible_unit_list()],
    }


def matrix_rows() -> list[dict]:
    """One row per industry in the export's columns, lists of canonical names."""
    return [
        {"category": i.category.code, "industry": i.name, **assignment_names(i)}
        for i in industries_with_assignments()
    ]


def matrix_rows_flat() -> list[dict]:
    """The export rows with the lists joined by "、", for csv and xlsx."""
    return [
        {k: LIST_SEPARATOR.join(v) if isinstance(v, list) else v for k, v in row.items()}
        for row in matrix_rows()
    ]


def unit_industries(unit: Unit) -> dict[str, list[Industry]]:
    """The industries a unit leads and those it supports."""
    industries = industries_with_assignments(
        Industry.objects.filter(assignment__unit_links__unit=unit).distinct()
    )
    result: dict[str, list[Industry]] = {UnitRole.LEAD: [], UnitRole.RESPONSIBLE: []}
    for industry in industries:
        for link in industry.assignment.unit_links.all():
            if link.unit_id == unit.pk:
                result[link.role].append(industry)
    return result


def matrix_change_records(industry: Industry | None = None) -> QuerySet[MatrixChange]:
    """The recorded changes of the matrix, newest first: all, or those that changed the
    industry's row. One query (the records hold the matrix before and after)."""
    records = MatrixChange.objects.filter(table=LoadedTable.MATRIX)
    if industry is not None:
        records = records.filter(industries=industry)
    return records.order_by("-at", "-id")
