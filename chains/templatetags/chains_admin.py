"""Filters for the admin's import page (templates/admin/chains/import.html)."""

from django import template

register = template.Library()


@register.filter
def column_label(name, labels):
    """The Chinese label of a column or field an import error names (as it is, if unknown)."""
    return (labels or {}).get(name, name)


@register.filter
def row_cells(values) -> str:
    """A refused row's cells as the file has them; an empty cell stays empty (not "None")."""
    return " | ".join("" if v is None else str(v) for v in values)
