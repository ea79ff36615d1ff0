"""Reads of reporting months: the months open for filing, and a month by its slug (2026-10)."""

import datetime

from django.db.models import Q
from django.http import Http404

from reporting.models import ReportingPeriod


def open_periods(today: datetime.date) -> list[ReportingPeriod]:
    """The latest month, and any month whose deadline has not passed."""
    periods = list(
        ReportingPeriod.objects.filter(
            Q(year__lt=today.year) | Q(year=today.year, month__lte=today.month)
        )[:3]
    )
    return [p for i, p in enumerate(periods) if i == 0 or p.deadline >= today]


def period_by_slug(slug: str) -> ReportingPeriod:
    """The reporting period named like 2025-09, or 404."""
    try:
        year, month = (int(part) for part in slug.split("-"))
    except ValueError:
        raise Http404("No such month.") from None
    period = ReportingPeriod.objects.filter(year=year, month=month).first()
    if period is None:
        raise Http404("No such month.")
    return period
