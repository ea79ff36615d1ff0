"""How a view declares its access rule. The middleware refuses views that declare none."""

from enum import StrEnum

from django.contrib.auth.decorators import login_not_required


class Policy(StrEnum):
    PUBLIC = "public"  # no login: the login page, health check, language switch
    AUTHENTICATED = "authenticated"  # any signed-in user: content every unit may read
    OBJECT = "object"  # the view checks the object through its feature's access module
    # The API (chains/api): no portal login; each call carries a client system's token, which
    # Django REST framework checks, with the token's scope, before the view runs.
    TOKEN = "token"


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
