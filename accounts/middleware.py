"""Deny by default: a view that does not declare how it checks access answers 403.

Django's LoginRequiredMiddleware already sends anonymous users to the login page; this adds
the second half of the rule, so a page added later without a permission check fails closed.
"""

from django.contrib.auth import middleware as auth_middleware
from django.core.exceptions import PermissionDenied

from accounts.policies import policy_of


class AccessPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.app_name == "admin":
            return None  # the admin site checks is_staff and model permissions itself
        if policy_of(view_func) is None:
            raise PermissionDenied
        return None


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, asking first whether the view is public (/healthz, the login page): such a
    request does not load its user at all, so a logged-in health check costs no query."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
