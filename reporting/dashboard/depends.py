"""What each cached part of the dashboard, the cockpit and the hearing shows, as topics
(portal.dataversion): the part is cached under their versions, so a write invalidates only the
parts that show what it changed."""

from portal.dataversion import topics
from portal.months import previous_month
from reporting.models import ReportingPeriod

# Every part shows names from the matrix and months with their deadlines.
BASE = (topics.MATRIX, topics.PERIODS)

# The statistics parts look this many months back from the month shown (the month itself
# included): the latest month with figures (the bureau's are weeks late, never two years), the
# trend of thirteen months, and the growth on a year before (topics.figures of a month is
# bumped by an import of the same month a year before, too).
FIGURE_MONTHS = 25


def figure_window(year: int, month: int) -> list[tuple[int, int]]:
    """The months the dashboard's figures may come from, oldest first."""
    months = [(year, month)]
    for _ in range(FIGURE_MONTHS - 1):
        months.append(previous_month(*months[-1]))
    return months[::-1]


def figures(year: int, month: int) -> list[str]:
    return [topics.figures(y, m) for y, m in figure_window(year, month)]


def figures_of_year(year: int) -> list[str]:
    """A whole year's figures with the year before (its growth)."""
    return [topics.figures(y, m) for y in (year - 1, year) for m in range(1, 13)]


def dashboard(
    period: ReportingPeriod, months: list[ReportingPeriod], ids: list[int]
) -> dict[str, list[str]]:
    """The dashboard's parts (reporting.dashboard.views) and their topics, for the period,
    the twelve months of its grid and the industries shown."""
    per_industry = {
        name: [topic(i) for i in ids]
        for name, topic in (
            ("problems", topics.problems),
            ("actions", topics.actions),
            ("pipeline", topics.projects),
        )
    }
    window = figures(period.year, period.month)
    parts = {
        "counts": [topics.reporting(period.pk, i) for i in ids],
        "grid": [topics.reporting(m.pk, i) for m in months for i in ids],
        **per_industry,
        "enterprises": [topics.ENTERPRISES],
        "land": [topics.LAND],
        "innovation": [topics.INNOVATION],
        "plans": [topics.plans(period.year)],
        "figures": window,
        "trend": window,
        "breakdown": figures_of_year(period.year),
        "analysis": [
            topics.analysis(period.pk),
            topics.figures(period.year, period.month),
        ],
    }
    return {name: [*BASE, *names] for name, names in parts.items()}


def cockpit(period: ReportingPeriod, ids: list[int]) -> list[str]:
    return [
        *BASE,
        *(topics.reporting(period.pk, i) for i in ids),
        *(topic(i) for i in ids for topic in (topics.problems, topics.actions, topics.projects)),
        *figures(period.year, period.month),
        topics.INSTRUCTIONS,
    ]


def year(year: int, ids: list[int]) -> list[str]:
    """Everything of a year (the annual report's data, which the hearing shows live)."""
    periods = ReportingPeriod.objects.filter(year=year).values_list("pk", flat=True)
    return [
        *BASE,
        *(topics.reporting(p, i) for p in periods for i in ids),
        *(topics.analysis(p) for p in periods),
        *(topic(i) for i in ids for topic in (topics.problems, topics.actions, topics.projects)),
        *figures_of_year(year),
        topics.plans(year),
        topics.plans(year + 1),  # the plans for the year ahead, once submitted
        topics.started(year),
        topics.POLICIES,
        topics.ENTERPRISES,
        topics.LAND,
        topics.INNOVATION,
        topics.LEADS,
        topics.INSTRUCTIONS,
        topics.ASSESSMENT,
    ]
