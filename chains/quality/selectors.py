"""Reads of the checks for sense: what an upload changes and what its checks found, named for
the preview page."""

from django.db.models import Q

from chains.models import Enterprise, Indicator, Industry, SubSegment, Unit
from chains.quality.models import FigureFlag, FlagKind

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
    flags = list(record.flags.select_related("confirmed_by").order_by("sheet_row", "kind", "id"))
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


def unexplained(industries=None):
    """Figures imported with a flag and not yet explained, newest month first (数据核查)."""
    flags = FigureFlag.objects.filter(
        explained_at__isnull=True, source__status="applied"
    ).select_related("indicator", "industry", "subsegment", "district", "enterprise", "source")
    if industries is not None:
        flags = flags.filter(Q(industry__in=industries) | Q(enterprise__industry__in=industries))
    return flags.order_by("-year", "-month", "source_id", "sheet_row", "id")
