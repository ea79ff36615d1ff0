from django import template

from accounts.access import can_assess_districts

register = template.Library()


@register.filter(name="can_assess_districts")
def can_assess_districts_filter(user) -> bool:
    """Whether to show the link to the districts' assessment."""
    return bool(user and user.is_authenticated and can_assess_districts(user))
