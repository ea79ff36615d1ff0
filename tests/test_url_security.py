"""Deny by default: every URL of the project, walked as an anonymous user, a user of the wrong
unit and a user of the right unit. A new URL without an expectation here fails the test, so
each page joins this check the day it is added."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.policies import policy_of

LOGIN = "login"  # a redirect to the login page
ANY_DENIAL = (403, 404)

# name → (kwargs, anonymous, wrong unit, right unit). "wrong" is 市商务局, "right" is 市工信局.
EXPECTATIONS = {
    "home": ({}, LOGIN, 200, 200),
    "chains:matrix": ({}, LOGIN, 200, 200),
    "chains:industry": ({"code": "electronic-information"}, LOGIN, ANY_DENIAL, 200),
    "chains:unit": ({"code": "gxj"}, LOGIN, ANY_DENIAL, 200),
    "accounts:login": ({}, 200, 302, 302),
    "accounts:logout": ({}, LOGIN, 405, 405),  # logging out is a POST
    "set_language": ({}, 302, 302, 302),
    "healthz": ({}, 200, 200, 200),
}


def walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield namespace, (f"{namespace}{entry.name}" if entry.name else None), entry


def project_urls():
    """Every URL but the admin site's, which checks staff status itself (tested below)."""
    return [
        (name, p)
        for ns, name, p in walk(get_resolver().url_patterns)
        if not ns.startswith("admin:")
    ]


def admin_urls():
    return [
        name
        for ns, name, p in walk(get_resolver().url_patterns)
        if ns.startswith("admin:") and name and not p.pattern.regex.groupindex
    ]


def test_every_project_url_is_named_and_has_an_expectation():
    missing = [name or str(p.pattern) for name, p in project_urls() if name not in EXPECTATIONS]
    assert not missing, f"add an access expectation to EXPECTATIONS for: {missing}"
    assert set(EXPECTATIONS) == {name for name, _p in project_urls()}


def test_every_project_view_declares_an_access_policy():
    undeclared = [name for name, p in project_urls() if policy_of(p.callback) is None]
    assert not undeclared


def check(response, expected, name, who):
    if expected == LOGIN:
        assert response.status_code == 302, f"{name} as {who}: {response.status_code}"
        assert response["Location"].startswith(reverse("accounts:login")), f"{name} as {who}"
    elif isinstance(expected, tuple):
        assert response.status_code in expected, f"{name} as {who}: {response.status_code}"
    else:
        assert response.status_code == expected, f"{name} as {who}: {response.status_code}"


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_url_answers_each_kind_of_user(name, users, client):
    kwargs, anonymous, wrong, right = EXPECTATIONS[name]
    url = reverse(name, kwargs=kwargs)
    check(client.get(url), anonymous, name, "anonymous")
    client.force_login(users["swj"])
    check(client.get(url), wrong, name, "wrong unit")
    client.force_login(users["gxj"])
    check(client.get(url), right, name, "right unit")


def test_admin_is_closed_to_unit_staff_and_open_to_admins(users, client):
    names = admin_urls()
    assert "admin:index" in names and "admin:chains_industry_changelist" in names
    public = {"admin:login", "admin:logout"}  # the admin's own sign-in and sign-out
    for name in set(names) - public:
        url = reverse(name)
        client.logout()
        assert client.get(url).status_code in (302, 403), f"{name} anonymous"
        client.force_login(users["gxj"])
        response = client.get(url)
        assert response.status_code in (302, 403), f"{name} as unit staff"
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"]
    client.force_login(users["admin"])
    for name in (
        "admin:index",
        "admin:chains_industry_changelist",
        "admin:chains_unit_changelist",
        "admin:chains_assignment_changelist",
        "admin:accounts_user_changelist",
        "admin:chains_industry_import",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_a_view_without_a_policy_is_refused(users, rf):
    """The middleware itself: a view that forgot to declare its rule answers 403."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.urls import ResolverMatch

    from accounts.middleware import AccessPolicyMiddleware

    def forgotten(request):
        return HttpResponse("secret")

    request = rf.get("/forgotten/")
    request.user = users["drc"]
    request.resolver_match = ResolverMatch(forgotten, (), {}, url_name="forgotten")
    middleware = AccessPolicyMiddleware(lambda r: HttpResponse())
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, forgotten, (), {})
