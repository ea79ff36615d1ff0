"""How a view declares its access rule. The middleware refuses views that declare none."""

from enum import StrEnum

from django.contrib.auth.decorators import login_not_required


class Policy(StrEnum):
    PUBLIC = "public"  # no login: the login page, health check, language switch
    AUTHENTICATED = "authenticated"  # any signed-in user: content every unit may read
    OBJECT = "object"  # the view checks the object through its feature's access module


def policy_of(view_func) -> Policy | None:
    view_class = getattr(view_func, "view_class", None)
    return getattr(view_class, "access_policy", None) or getattr(view_func, "access_policy", None)


def access_policy(policy: Policy):
    """Decorate a function view with its access rule (class views set `access_policy`)."""

    def decorate(view_func):
        if policy == Policy.PUBLIC:
            view_func = login_not_required(view_func)
        view_func.access_policy = policy
        return view_func

    return decorate
