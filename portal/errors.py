"""Error pages in the portal's own layout, in the user's language."""

import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults

from portal.responses import FileMissing

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
    if database_unreachable(sys.exc_info()[1]):
        # Rendered without the request: its context processors would query the database.
        html = render_to_string("503.html")
        return HttpResponse(html, status=503, headers={"Retry-After": "60"})
    return defaults.server_error(request)


# SQLSTATEs of a lost or refused connection: class 08 (connection exception), the server
# shutting down or starting up (57P01–57P03) and a session closed for idling (57P05). A
# deadlock (40P01) or a statement timeout (57014) is an OperationalError too, but a fault of
# the request, to be seen as a 500.
_SHUTDOWN = {"57P01", "57P02", "57P03", "57P05"}


def database_unreachable(error: BaseException | None) -> bool:
    """Whether `error` means the database could not be reached, rather than refused a query."""
    if isinstance(error, InterfaceError):  # the connection was already closed
        return True
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.__cause__, "pgcode", None)
    if code is None:  # no SQLSTATE: psycopg2 lost, or never had, the connection
        return connection.vendor == "postgresql"
    return code.startswith("08") or code in _SHUTDOWN
