"""Error pages in the portal's own layout, in the user's language."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults


def permission_denied(request, exception=None):
    return defaults.permission_denied(request, exception, template_name="403.html")


def page_not_found(request, exception=None):
    return defaults.page_not_found(request, exception, template_name="404.html")


def server_error(request):
    """An uncaught error. When the database cannot be reached (down, restarting, or the
    connection dropped mid-request), the request's transaction was rolled back: the page says
    so, plainly, with 503 so that proxies and health checks see a temporary outage. Django calls
    this inside its `except` block, so the exception is in sys.exc_info()."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        # Rendered without the request: its context processors would query the database.
        html = render_to_string("503.html")
        return HttpResponse(html, status=503, headers={"Retry-After": "60"})
    return defaults.server_error(request)
