"""The dashboard's data, part by part, each cached under the versions of the topics it shows
(reporting.dashboard.depends): a submission recomputes that month's reporting counts and the
grid, not the enterprises or the land. The versions are read once, in one round trip; the
parts are kept in Redis and in the database (the "pages" cache), so an emptied Redis finds them
again in one query."""

import datetime

from django.core.cache import caches
from django.db.models import QuerySet

from chains.models import Industry, Unit
from portal.dataversion import digest, versions
from reporting.dashboard import depends
from reporting.dashboard import selectors as dashboard
from reporting.innovation.selectors import summary as innovation_summary
from reporting.models import ReportingPeriod

TIMEOUT = 60 * 60


class Overview:
    """The parts for one view of the dashboard: a month, its grid's months, the industries shown
    (loaded, in order), an optional district, and `everything` (a system-wide unfiltered view).
    `key` tells apart views of the same industries (filters, language, the day)."""

    def __init__(
        self,
        *,
        period: ReportingPeriod,
        months: list[ReportingPeriod],
        industries: QuerySet[Industry],
        district: Unit | None,
        everything: bool,
        today: datetime.date,
        key: str,
        read_before: dict[str, int] | None = None,
    ):
        """`read_before`: versions read before the month, the months and the industries were
        (the matrix's and the months'): they key the parts in place of later ones, so what a
        write in between changed is never kept under its new versions."""
        self.period, self.months, self.industries = period, months, industries
        self.district, self.everything, self.today, self.key = district, everything, today, key
        self.ids = list(dict.fromkeys(i.pk for i in industries))
        self.depends = depends.dashboard(period, months, self.ids)
        self.versions = versions(t for names in self.depends.values() for t in names)
        if self.versions is not None and read_before is not None:
            self.versions.update({t: v for t, v in read_before.items() if t in self.versions})

    @property
    def stamp(self) -> str | None:
        """The digest of every part's topics (the rendered page is cached under it); None when
        the cache is away."""
        return None if self.versions is None else digest(self.versions)

    def _key(self, name: str) -> str:
        mine = {t: self.versions[t] for t in self.depends[name]}
        return f"dashboard:{name}:{digest(mine)}:{self.key}"

    def data(self) -> dict:
        """Every part: those cached under their current versions read, the others computed and
        stored."""
        one = self.industries[0] if len(self.ids) == 1 else None
        period, industries, today = self.period, self.industries, self.today
        district, everything = self.district, self.everything
        found, parts, computed = {}, {}, {}
        if self.versions is not None:
            keys = {name: self._key(name) for name in self.depends}
            stored = caches["pages"].get_many(list(keys.values()))
            found = {name: stored[key] for name, key in keys.items() if key in stored}

        def part(name, compute):
            if name not in found:
                found[name] = computed[name] = compute()
            return found[name]

        counts = part("counts", lambda: dashboard.reporting(period, industries, today))
        rows = counts["rows"]
        expected = {r.pk: r.expected for r in rows}
        computers = {
            "grid": lambda: dashboard.grid(rows, self.months, expected, today),
            "problems": lambda: dashboard.problems_summary(industries, today),
            "actions": lambda: dashboard.actions_summary(industries, today),
            "trend": lambda: dashboard.trend(one, period) if one else None,
            "enterprises": lambda: dashboard.enterprises_summary(industries, period, district),
            "land": lambda: dashboard.land_summary(
                industries, period, district, everything=everything
            ),
            "pipeline": lambda: dashboard.pipeline_summary(industries, today, district),
            "innovation": lambda: innovation_summary(
                industries, period.year, period.month, today, district
            ),
            "plans": lambda: dashboard.plans_summary(
                industries, period, district, everything=everything
            ),
            "figures": lambda: dashboard.figures_summary(industries, period),
            "analysis": lambda: dashboard.analysis_summary(period, rows, today),
            "breakdown": lambda: dashboard.breakdown(one, period) if one else None,
        }
        for name, compute in computers.items():
            parts[name] = part(name, compute)
        if self.versions is not None and computed:
            # The parts computed afresh, stored in one round trip.
            caches["pages"].set_many(
                {self._key(n): value for n, value in computed.items()}, TIMEOUT
            )
        return {**counts, **parts}
