"""Error pages in the portal's own layout, in the user's language."""

from django.shortcuts import render
from django.views import defaults

from .responses import FileMissing


def permission_denied(request, exception=None):
    return defaults.permission_denied(request, exception, template_name="403.html")


def page_not_found(request, exception=None):
    if isinstance(exception, FileMissing):
        return render(request, "404.html", {"file_missing": True}, status=404)
    return defaults.page_not_found(request, exception, template_name="404.html")
