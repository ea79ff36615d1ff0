"""Reads of the statistics: an industry's current figures by month, sub-segment and district,
an enterprise's, and what an import changed. Year-on-year growth is the supplied one, or
computed from the same figure a year earlier when that exists."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from chains.models import (
    DoublingTarget,
    Enterprise,
    EnterpriseFigure,
    FigureImport,
    Indicator,
    Industry,
    IndustryFigure,
)
from chains.quality.selectors import flagged_figures


def yoy(value, previous):
    if value is None or previous in (None, 0):
        return None
    return (Decimal(value) / Decimal(previous) - 1) * 100


def _growth(figure, previous):
    """The supplied year-on-year growth, else the one computed from a year earlier."""
    if figure.yoy is not None:
        return figure.yoy
    return yoy(figure.value, previous.value) if previous is not None else None


def industry_figures(industry: Industry, year: int) -> dict:
    """Tables for the industry page: whole-industry indicators × months of the year; the latest
    month by sub-segment and by district; each cell marked when the statistics' checks flagged
    it and nobody has explained it yet. Three queries."""
    indicators = list(Indicator.objects.all())
    rows = list(
        IndustryFigure.objects.filter(is_current=True, industry=industry)
        .filter(Q(year=year) | Q(year=year - 1))
        .select_related("subsegment", "district")
        .only("indicator_id", "subsegment__name", "district__name", "year", "month", "value", "yoy")
    )
    by_key = {(f.indicator_id, f.subsegment_id, f.district_id, f.year, f.month): f for f in rows}
    months = sorted({f.month for f in rows if f.year == year})
    latest = months[-1] if months else None

    flagged = flagged_figures(years=[year])

    def cell(f):
        if f is None:
            return {"value": None, "yoy": None, "computed": False, "flagged": False}
        previous = by_key.get((f.indicator_id, f.subsegment_id, f.district_id, f.year - 1, f.month))
        computed = f.yoy is None and previous is not None and previous.value is not None
        mark = (industry.pk, f.subsegment_id, f.district_id, f.indicator_id, f.year, f.month)
        return {
            "value": f.value,
            "yoy": _growth(f, previous),
            "computed": computed,
            "flagged": mark in flagged,
        }

    used_ids = {f.indicator_id for f in rows}
    used = [i for i in indicators if i.pk in used_ids]
    monthly = [
        {"indicator": i, "cells": [cell(by_key.get((i.pk, None, None, year, m))) for m in months]}
        for i in used
    ]
    breakdown = defaultdict(dict)
    for f in rows:
        # A sub-segment's own total (no district), a district's own total (no sub-segment).
        if f.year == year and f.month == latest and bool(f.subsegment_id) != bool(f.district_id):
            label = f.subsegment.name if f.subsegment_id else f.district.name
            group = "subsegments" if f.subsegment_id else "districts"
            breakdown[group].setdefault(label, {})[f.indicator_id] = cell(f)
    return {
        "year": year,
        "flagged": any(c["flagged"] for row in monthly for c in row["cells"])
        or any(
            c["flagged"] for g in breakdown.values() for cells in g.values() for c in cells.values()
        ),
        "months": months,
        "latest": latest,
        "indicators": used,
        "monthly": monthly,
        "subsegments": dict(breakdown["subsegments"]),
        "districts": dict(breakdown["districts"]),
    }


def enterprise_figures(enterprise, year: int) -> dict:
    indicators = list(Indicator.objects.all())
    rows = list(
        EnterpriseFigure.objects.filter(is_current=True, enterprise=enterprise).filter(
            Q(year=year) | Q(year=year - 1)
        )
    )
    by_key = {(f.indicator_id, f.year, f.month): f for f in rows}
    months = sorted({f.month for f in rows if f.year == year})
    used_ids = {f.indicator_id for f in rows}
    table = []
    for indicator in (i for i in indicators if i.pk in used_ids):
        cells = []
        for m in months:
            f = by_key.get((indicator.pk, year, m))
            previous = by_key.get((indicator.pk, year - 1, m))
            cells.append(
                {"value": f.value if f else None, "yoy": _growth(f, previous) if f else None}
            )
        table.append({"indicator": indicator, "cells": cells})
    return {"year": year, "months": months, "table": table}


def import_changes(record: FigureImport, limit: int = 500) -> dict:
    """What an import changed against the revision it replaced: each figure whose value or
    growth differs (old and new), then the figures it added. At most `limit` rows, with the
    full counts."""
    model = EnterpriseFigure if record.kind == "enterprise_figures" else IndustryFigure
    scope = "enterprise" if model is EnterpriseFigure else "industry"
    extra = [] if model is EnterpriseFigure else ["subsegment__name", "district__name"]
    fields = [f"{scope}__name", *extra, "indicator_id", "year", "month", "value", "yoy"]
    new = {tuple(r[:-2]): r[-2:] for r in model.objects.filter(source=record).values_list(*fields)}
    old = {
        tuple(r[:-2]): r[-2:]
        for r in model.objects.filter(superseded_by=record).values_list(*fields)
    }
    keys = sorted(
        (k for k in set(new) | set(old) if old.get(k) != new.get(k)),
        key=lambda k: tuple(str(x) for x in k),
    )
    changed = [k for k in keys if k in old]
    added = [k for k in keys if k not in old]
    indicators = Indicator.objects.in_bulk()

    def row(key):
        *names, indicator_id, year, month = key
        return {
            "key": key,
            "names": [n for n in names if n],
            "indicator": indicators.get(indicator_id),
            "month": f"{year}年{month}月",
            "before": old.get(key),
            "after": new.get(key),
        }

    return {
        "rows": [row(k) for k in (changed + added)[:limit]],
        "changed": len(changed),
        "added": len(added),
        "limit": limit,
    }


def previous_revision(record: FigureImport) -> FigureImport | None:
    model = EnterpriseFigure if record.kind == "enterprise_figures" else IndustryFigure
    source = model.objects.filter(superseded_by=record).values_list("source", flat=True).first()
    return FigureImport.objects.filter(pk=source).first() if source else None


def industry_enterprises(industry: Industry, limit: int = 100) -> list:
    """The industry's key enterprises with their tiers, largest first by name order; two queries."""
    return list(
        Enterprise.objects.filter(industry=industry)
        .select_related("district", "subsegment")
        .prefetch_related("tiers")
        .order_by("-above_size", "name")[:limit]
    )


@dataclass(frozen=True)
class IndicatorUse:
    """What refers to an indicator: figures of every revision (current or superseded) and
    doubling-plan targets."""

    industry_figures: int = 0
    enterprise_figures: int = 0
    doubling_targets: int = 0

    @property
    def figures(self) -> int:
        return self.industry_figures + self.enterprise_figures

    def __bool__(self) -> bool:
        return bool(self.figures or self.doubling_targets)


def indicator_uses(indicator_ids) -> dict[int, IndicatorUse]:
    """For each of the indicators, what refers to it (three counting queries in all); an
    indicator nothing refers to is left out."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for name, model in (
        ("industry_figures", IndustryFigure),
        ("enterprise_figures", EnterpriseFigure),
        ("doubling_targets", DoublingTarget),
    ):
        rows = (
            model.objects.filter(indicator_id__in=list(indicator_ids))
            .values("indicator_id")
            .annotate(n=Count("pk"))
            .values_list("indicator_id", "n")
        )
        for indicator_id, n in rows:
            counts[indicator_id][name] = n
    return {pk: IndicatorUse(**fields) for pk, fields in counts.items()}
