"""The admin's refusal to delete a record that history refers to (PROTECT): what refers to
it, kind by kind, with a count and a few examples rather than every row."""

from django import template
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

EXAMPLES = 5


@register.filter
def references_by_kind(protected) -> list:
    """The admin's `protected` list ("月度进展: <a …>2025年9月 …</a>", one per row) as a
    nested list for `unordered_list`: each kind with its count, then up to five of its rows."""
    kinds: dict[str, list] = {}
    for item in protected:
        kind, _sep, row = str(item).partition(": ")
        if not row:
            kind, row = "", str(item)
        # The row is the link the admin built with format_html, or plain text to be escaped.
        kinds.setdefault(kind, []).append(mark_safe(row) if isinstance(item, SafeData) else row)
    nested = []
    for kind, rows in kinds.items():
        nested.append(f"{kind}（共 {len(rows)} 条）" if kind else f"共 {len(rows)} 条")
        shown = rows[:EXAMPLES]
        if len(rows) > EXAMPLES:
            shown.append(f"……另有 {len(rows) - EXAMPLES} 条")
        nested.append(shown)
    return nested
