"""Who writes and who reads the statistics bureau's monthly analysis (built on accounts.access).

Statistics staff write it, every industry's and the city's. It is read by those who read both
the statistics and the reports: the city overview's readers (the DRC, the statistics bureau,
administrators and city leaders), each industry's analysis only by those who may view that
industry (a city leader his or her own). Everyone else is refused, unit staff included."""

from accounts.access import can, fetch, industries_for, reads_everything, require
from accounts.choices import Action, Role
from accounts.models import User
from chains.models import Industry
from reporting.models import ReportingPeriod
from reporting.periods.selectors import period_by_slug

# The scope of the city-wide analysis in URLs; an industry's is its code.
CITY = "city"


def can_write_analysis(user: User) -> bool:
    """The statistics bureau's own staff: the analysis goes out under their name (an
    administrator runs the system and writes none of its content)."""
    return user.is_authenticated and user.is_active and user.role == Role.STATISTICS


def can_read_analyses(user: User) -> bool:
    """Whether the user reads any analysis at all (the month's page): the readers of the city
    overview and the final reports (reporting.dashboard.access.reads_city_overview, which sits
    above this feature), statistics staff among them."""
    return reads_everything(user) or (
        user.is_authenticated and user.is_active and user.role == Role.LEADER
    )


def can_read_analysis(user: User, industry: Industry | None) -> bool:
    """The city-wide analysis (industry None) or one industry's."""
    if not can_read_analyses(user):
        return False
    return industry is None or can(user, Action.VIEW, industry)


def readable_industries(user: User):
    """The industries whose analyses the user reads, in matrix order (none for unit staff)."""
    if not can_read_analyses(user):
        return Industry.objects.none()
    if reads_everything(user):
        return Industry.objects.select_related("category").order_by(
            "category__position", "position"
        )
    return (
        industries_for(user).select_related("category").order_by("category__position", "position")
    )


def access_analysis_month(*, user: User, slug: str) -> ReportingPeriod:
    """The month (2026-10) whose analyses the user reads: 404 if there is no such month, 403
    if the user reads no analysis."""
    period = period_by_slug(slug)
    require(can_read_analyses(user))
    return period


def access_analysis_scope(
    *, user: User, slug: str, scope: str, write: bool = False
) -> tuple[ReportingPeriod, Industry | None]:
    """The month and the industry (None: the city as a whole) of one analysis, whether or not
    it has been written yet: 404 for a month or industry that does not exist, 403 unless the
    user may read it (or, with `write`, write it)."""
    period = period_by_slug(slug)
    industry = None
    if scope != CITY:
        industry = fetch(Industry.objects.select_related("category"), code=scope)
    require(can_write_analysis(user) if write else can_read_analysis(user, industry))
    return period, industry
