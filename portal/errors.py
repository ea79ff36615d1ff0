"""Error pages in the portal's own layout, in the user's language."""

import logging

from django.shortcuts import render
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
