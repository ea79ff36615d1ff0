"""Reads of the checks for sense: what an upload changes and what its checks found, named for
the preview page; the open flags the pages mark; each industry's measure."""

from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, Q
from django.db.models.functions import Coalesce

from chains.figures.models import ImportStatus
from chains.models import (
    Enterprise,
    EnterpriseFigure,
    Indicator,
    Industry,
    IndustryFigure,
    SubSegment,
    Unit,
)
from chains.quality.models import FLAG_FIGURE, FigureFlag, FlagKind, IndustryMeasure

SHOW = ("all", "changes", FlagKind.RULE, FlagKind.OUTLIER)


def _names(model, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _label(item: dict, names: dict) -> str:
    if item.get("enterprise_id"):
        return names["enterprise"].get(item["enterprise_id"], "—")
    parts = [names["industry"].get(item.get("industry_id"), "—")]
    if item.get("subsegment_id"):
        parts.append(names["subsegment"].get(item["subsegment_id"], "—"))
    parts.append(names["district"].get(item.get("district_id"), "全市"))
    return " · ".join(parts)


def import_review(record, show: str = "all") -> dict:
    """The changes (largest first) and the findings of an upload, each named: what the file's
    preview shows, filtered by kind. Six queries, whatever the file's size."""
    show = show if show in SHOW else "all"
    flags = list(
        record.flags.filter(dropped_at__isnull=True)
        .select_related("confirmed_by")
        .order_by("sheet_row", "kind", "id")
    )
    rows = [
        {
            "industry_id": f.industry_id,
            "subsegment_id": f.subsegment_id,
            "district_id": f.district_id,
            "enterprise_id": f.enterprise_id,
        }
        for f in flags
    ]
    everything = [*record.changes, *rows]
    names = {
        "industry": _names(Industry, (c.get("industry_id") for c in everything)),
        "subsegment": _names(SubSegment, (c.get("subsegment_id") for c in everything)),
        "district": _names(Unit, (c.get("district_id") for c in everything)),
        "enterprise": _names(Enterprise, (c.get("enterprise_id") for c in everything)),
    }
    indicators = {i.pk: str(i) for i in Indicator.objects.all()}
    changes = [
        {**c, "where": _label(c, names), "indicator": indicators.get(c["indicator_id"], "—")}
        for c in record.changes
    ]
    findings = [
        {"flag": f, "where": _label(r, names), "indicator": indicators.get(f.indicator_id, "—")}
        for f, r in zip(flags, rows, strict=True)
    ]
    counts = {
        "changes": record.rows_changed,
        FlagKind.RULE: sum(1 for f in flags if f.kind == FlagKind.RULE),
        FlagKind.OUTLIER: sum(1 for f in flags if f.kind == FlagKind.OUTLIER),
    }
    return {
        "show": show,
        "changes": changes if show in ("all", "changes") else [],
        "findings": [f for f in findings if show in ("all", f["flag"].kind)],
        "counts": counts,
        "unconfirmed": sum(1 for f in flags if f.confirmed_at is None),
        "hidden_findings": max(0, record.findings_total - len(flags)),
    }


def _still_current(figures, **key):
    """The flagged figure is still current: brought by the flag's import, or by one applied
    before it whose figure the flag's import repeated unchanged (and so did not write again).
    One applied after it replaced the figure, and the flag leaves the list."""
    return Exists(
        figures.filter(
            Q(source_id=OuterRef("source_id"))
            | Q(source__applied_at__lte=OuterRef("source__applied_at")),
            is_current=True,
            indicator_id=OuterRef("indicator_id"),
            year=OuterRef("year"),
            month=OuterRef("month"),
            **key,
        )
    )


def open_flags():
    """Figures imported with a flag, still current and not yet explained: the 数据核查 list.
    A figure a later import replaced leaves the list (its flag stays on record)."""
    industry = _still_current(
        IndustryFigure.objects.annotate(
            subsegment_or_0=Coalesce("subsegment_id", 0), district_or_0=Coalesce("district_id", 0)
        ),
        industry_id=OuterRef("industry_id"),
        subsegment_or_0=Coalesce(OuterRef("subsegment_id"), 0),
        district_or_0=Coalesce(OuterRef("district_id"), 0),
    )
    enterprise = _still_current(EnterpriseFigure.objects, enterprise_id=OuterRef("enterprise_id"))
    return FigureFlag.objects.filter(
        Q(enterprise__isnull=True, industry__isnull=False) & industry
        | Q(enterprise__isnull=False) & enterprise,
        explained_at__isnull=True,
        dropped_at__isnull=True,
        checked_again_by__isnull=True,
        source__status=ImportStatus.APPLIED,
    )


def open_figures_count() -> int:
    """How many figures wait on 数据核查 (a figure may carry several flags)."""
    return follow_up_figures().count()


def _follow_up_flags(explained: bool):
    if explained:
        return FigureFlag.objects.filter(
            explained_at__isnull=False,
            dropped_at__isnull=True,
            source__status=ImportStatus.APPLIED,
        )
    return open_flags()


def follow_up(*, explained: bool = False):
    """The 数据核查 list's flags, newest month first: open ones, or those explained."""
    return (
        _follow_up_flags(explained)
        .select_related(
            "indicator",
            "industry",
            "subsegment",
            "district",
            "enterprise",
            "source",
            "explained_by",
        )
        .order_by("-year", "-month", "-source_id", "sheet_row", "indicator_id", "id")
    )


def follow_up_figures(*, explained: bool = False):
    """The figures of the 数据核查 list (a figure may carry several flags), newest month
    first, as their keys: what the list pages through (figures_of gives a page's flags)."""
    return (
        _follow_up_flags(explained)
        .values(*FLAG_FIGURE)
        .annotate(row=Min("sheet_row"))
        .order_by("-year", "-month", "-source_id", "row", "indicator_id", *FLAG_FIGURE)
    )


@dataclass
class FlaggedFigure:
    """One figure on the 数据核查 list with its flags, the reasons given on import and the
    explanations (one each, unless explained flag by flag before they were grouped)."""

    flags: list

    @property
    def first(self):
        return self.flags[0]

    @property
    def confirmations(self) -> list[str]:
        return list(dict.fromkeys(f.confirmation for f in self.flags if f.confirmation))

    @property
    def explanations(self) -> list:
        seen = {}
        for f in self.flags:
            if f.explained_at is not None:
                seen.setdefault((f.explanation, f.explained_by_id), f)
        return list(seen.values())


def figures_of(keys, *, explained: bool = False) -> list[FlaggedFigure]:
    """The flags of a page of follow_up_figures(), figure by figure in the page's order: one
    query."""
    keys = [{field: key[field] for field in FLAG_FIGURE} for key in keys]
    if not keys:
        return []
    which = Q()
    for key in keys:
        which |= Q(**key)
    groups = {tuple(key.values()): [] for key in keys}
    for flag in follow_up(explained=explained).filter(which):
        groups[tuple(getattr(flag, field) for field in FLAG_FIGURE)].append(flag)
    return [FlaggedFigure(flags) for flags in groups.values() if flags]


def flagged_figures(*, years) -> set[tuple]:
    """The open flags' figures, as (industry_id, subsegment_id, district_id, indicator_id,
    year, month): what the dashboard, the figures pages and the reports mark. One query."""
    return set(
        open_flags()
        .filter(enterprise__isnull=True, year__in=list(years))
        .values_list("industry_id", "subsegment_id", "district_id", "indicator_id", "year", "month")
    )


@dataclass(frozen=True)
class Measures:
    """Each industry's headline indicator (the default where none is set) and the industries a
    city total leaves out, as another industry counts their figures already."""

    headline: dict  # industry id → Indicator
    counted_in: dict  # industry id → the id of the industry counting it
    default: object = None  # the Indicator of an industry without a measure

    def of(self, industry_id: int):
        return self.headline.get(industry_id, self.default)

    def in_total(self, industry_id: int, among=None) -> bool:
        """Whether the industry's figures add to a total of `among` (default: every industry):
        not when the industry counting them is in it too."""
        counter = self.counted_in.get(industry_id)
        return counter is None or (among is not None and counter not in among)


def industry_measures(default=None) -> Measures:
    """Every industry's measure, in one query; `default` for an industry without one."""
    headline, counted_in = {}, {}
    for m in IndustryMeasure.objects.select_related("headline"):
        headline[m.industry_id] = m.headline
        if m.counted_in_id:
            counted_in[m.industry_id] = m.counted_in_id
    return Measures(headline=headline, counted_in=counted_in, default=default)
