"""Figures as the statistics bureau writes them: thousands grouped, at most two decimals,
no trailing zeros (147,445.9; 14,744,590), whatever the language's number format."""

from django import template

register = template.Library()


@register.filter
def amount(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
