from django import template

from reporting.choices import ELEMENT_FIELDS, Section
from reporting.periods.workdays import WorkCalendar

register = template.Library()

SECTION_OF_FIELD = {field: section.value for section, field in ELEMENT_FIELDS.items()} | {
    "suggestions": Section.SUGGESTIONS.value,
    "next_plan": Section.NEXT_PLAN.value,
    "projects_signed": Section.FIGURES.value,
    "signed_amount": Section.FIGURES.value,
}


@register.filter
def section_label(value: str) -> str:
    return dict(Section.choices).get(value, value)


@register.filter
def section_reason(returned, field_or_section: str) -> str:
    """The reviewer's reason for the section a form field belongs to, if any."""
    if not returned:
        return ""
    key = SECTION_OF_FIELD.get(field_or_section, field_or_section)
    return returned.section_reasons.get(key, "")


@register.filter
def figure_check(update, key: str) -> dict | None:
    """The unit's confirmation of a figure past ten times last month's (figures.py), if any."""
    return (update.figure_checks or {}).get(key)


@register.filter
def contribution_due(period):
    """When the responsible units' inputs for the period are due (WorkCalendar)."""
    return WorkCalendar.current().contribution_deadline(period)


@register.filter
def as_id(value) -> int | None:
    """A form's raw value as a positive whole number, or None (a tampered field stays text)."""
    text = str(value or "")
    return int(text) if text.isdigit() and int(text) > 0 else None


@register.inclusion_tag("includes/sort_header.html")
def sort_header(listing, name: str, label: str, numeric: bool = False):
    """A list's column header that orders the list by `name` (portal.listing), the other way
    round when it already does; aria-sort says which way it is ordered."""
    current = listing.sort.lstrip("-") == name
    descending = listing.sort.startswith("-")
    return {
        "label": label,
        "href": f"?{listing.unsorted}{'&' if listing.unsorted else ''}sort="
        + (name if current and descending else f"-{name}" if current else name),
        "aria_sort": ("descending" if descending else "ascending") if current else None,
        "arrow": ("▼" if descending else "▲") if current else "",
        "numeric": numeric,
    }
