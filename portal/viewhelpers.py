"""Helpers the features' views share: a service's refusal as one line, and a year read from a
request."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one line for a message or a form."""
    return " ".join(exc.messages)


def year_from_request(request) -> int:
    """The `year` of a statistics page's query string; this year when absent; 404 when not a
    number."""
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404("Bad year.") from None


def year_param(value, *, default: int, today: datetime.date) -> int:
    """A year from a request: `default` when absent or not a number; 404 outside 2000 to
    next year."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    if not 2000 <= year <= today.year + 1:
        raise Http404("No such year.")
    return year
