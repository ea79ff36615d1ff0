"""Who reads, records and guides investment leads, and the scoped fetch of a lead (built on
accounts.access). 市招商办 sees and guides every lead; a unit keeps its own; the industry's lead
units and the lead's district read it; system-wide readers read all."""

from django.db.models import Q, QuerySet

from accounts.access import fetch, industries_for, leads_industries, reads_everything, require
from accounts.choices import Action, Role
from accounts.models import User
from reporting.models import InvestmentLead

PLACES = ("district", "zone")


def guides_leads(user: User) -> bool:
    """市招商办 guides targeted investment attraction (精准招商)."""
    return user.is_authenticated and user.is_active and user.role == Role.INVESTMENT


def records_leads(user: User) -> bool:
    """Districts, development zones and lead units record their own leads; 市招商办 too."""
    if guides_leads(user):
        return True
    if not (user.is_authenticated and user.is_active and user.unit_id):
        return False
    return user.unit.kind in PLACES or leads_industries(user)


def readable_leads(user: User) -> QuerySet[InvestmentLead]:
    leads = InvestmentLead.objects.all()
    if reads_everything(user) or guides_leads(user):
        return leads
    if not (user.is_authenticated and user.is_active and user.unit_id):
        return leads.none()
    return leads.filter(
        Q(unit_id=user.unit_id)
        | Q(district_id=user.unit_id)
        | Q(industry__in=industries_for(user, Action.FILE))
    )


def can_keep_lead(user: User, lead: InvestmentLead) -> bool:
    """The unit following a lead keeps it; 市招商办 guides it and may move it on."""
    return guides_leads(user) or (
        user.is_authenticated
        and user.is_active
        and bool(user.unit_id)
        and user.unit_id == lead.unit_id
    )


def access_lead(*, user: User, pk: int, keep: bool = False) -> InvestmentLead:
    lead = fetch(
        InvestmentLead.objects.select_related("industry", "district", "unit", "project"), pk=pk
    )
    if keep:
        require(can_keep_lead(user, lead))
    else:
        require(readable_leads(user).filter(pk=lead.pk).exists())
    return lead
