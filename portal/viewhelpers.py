"""Helpers the features' views share: a service's refusal as one line or on its form, a year
read from a request, and where to go back to after a form."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme


def error_text(exc: ValidationError) -> str:
    """A service's refusal as one line for a message or a form."""
    return " ".join(exc.messages)


def add_form_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: each field's message by its field (when the form has
    it), the rest above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


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


def back_to(request, url: str, default: str) -> str:
    """`url` (a form's `next`, a notice's link) when it stays on this site, else `default`."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default
