"""Who reads the city overview, and which industries a dashboard filter may show (built on
accounts.access): leaders their own, the DRC and the statistics bureau all."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.access import fetch, industries_for, leads_industries, reads_everything
from accounts.access import reads_city_overview as reads_city_overview  # its pages' rule
from accounts.choices import Action
from accounts.models import User
from chains.models import (
    Category,
    Industry,
    Official,
    Unit,
)

# The dashboard's filters, and the link from each to the industries it selects.
DASHBOARD_FILTERS = {
    "category": "category__code",
    "industry": "code",
    "official": "assignment__official_links__official__code",
    "unit": "assignment__unit_links__unit__code",
}

OUT_OF_SCOPE = {
    "category": "所选产业类别中没有您可以查看的产业，无权查看其工作看板。",
    "industry": "所选产业不在您的查看范围内，无权查看其工作看板。您只能查看本人（本单位）牵头的产业。",
    "official": "所选牵头市领导不负责您可以查看的产业，无权查看其工作看板。",
    "unit": "所选牵头单位不承担您可以查看的产业，无权查看其工作看板。",
}


def reads_dashboard(user: User) -> bool:
    """The city overview's readers, and lead units for the industries they lead."""
    return reads_city_overview(user) or leads_industries(user)


def dashboard_industries(user: User) -> QuerySet[Industry]:
    """The industries a user's dashboard may show: a leader and system-wide readers those they
    view; a lead unit those it leads (not those it only supports)."""
    if reads_city_overview(user):
        return industries_for(user)
    return industries_for(user, Action.FILE)


def dashboard_scope(user: User) -> dict[str, set[str]] | None:
    """For each dashboard filter, the codes that select some industry the user's dashboard may
    show; None for a system-wide reader, for whom every value does. Four queries."""
    if reads_everything(user):
        return None
    industries = dashboard_industries(user)
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
    models = {"category": Category, "industry": Industry, "official": Official, "unit": Unit}
    industries = dashboard_industries(user)
    for name, code in filters.items():
        if not code:
            continue
        fetch(models[name].objects, code=code)
        if scope is not None and code not in scope[name]:
            raise PermissionDenied(OUT_OF_SCOPE[name])
        industries = industries.filter(**{DASHBOARD_FILTERS[name]: code})
    return industries
