"""Error pages in the portal's own layout, in the user's language."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults

from .responses import FileMissing

# One line per refused request; django.request's record with its traceback is dropped
# (settings.LOGGING, portal.log_filters).
logger = logging.getLogger("portal.access")


def permission_denied(request, exception=None):
    user = getattr(request, "user", None)
    who = (
        f"{user.username} ({getattr(user, 'role', '')})"
        if user is not None and user.is_authenticated
        else "anonymous"
    )
    match = getattr(request, "resolver_match", None)
    view = f" [{match.view_name}]" if match is not None and match.view_name else ""
    why = str(exception or "") or "no permission for this page or object"
    logger.warning("403 %s %s%s for %s: %s", request.method, request.path, view, who, why)
    return defaults.permission_denied(request, exception, template_name="403.html")


def page_not_found(request, exception=None):
    if isinstance(exception, FileMissing):
        return render(request, "404.html", {"file_missing": True}, status=404)
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
