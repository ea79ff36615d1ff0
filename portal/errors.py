"""Error pages in the portal's own layout, in the user's language."""

from django.views import defaults


def permission_denied(request, exception=None):
    return defaults.permission_denied(request, exception, template_name="403.html")


def page_not_found(request, exception=None):
    return defaults.page_not_found(request, exception, template_name="404.html")
