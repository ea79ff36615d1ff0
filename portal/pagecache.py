"""Whole pages kept for one user's session under the versions of what they show.

A page read again and again between writes (the dashboard, read by DRC staff and city leaders
through the reporting window) is sent from the cache without running its view or its templates.
Django's per-view cache keys on the URL and the request's headers and serves before the user is
known; this one serves only to the user the page was made for, after every check of the
request (login, the access policy, the view's own permission check), and only while nothing it
shows has changed:

- the entry's key names the user (and what the frame shows of the account: name, role, unit,
  official, staff), the browser's CSRF secret from its cookie (the page's forms carry a token
  made from it; another browser, or a new login, has its own), the path with its query, the
  language, and what the view adds (the month, the day, the header's unread count);
- the entry holds the page and the topics it shows (portal.dataversion) with their versions
  read before it was made; it is sent only while those versions are current;
- a page with messages to show is made, never stored or sent from the cache; a request with no
  CSRF cookie yet is made (the page sets the cookie), and so is every page while Redis is away.

Written by hand because Django's cache middleware keys on headers, not on what a page shows,
and answers before authentication."""

import hashlib
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from portal.dataversion import digest, stamp

TIMEOUT = 10 * 60
# Raised when what an entry holds changes shape: a deploy then reads no entry of the old one.
SHAPE = 1


def entry_key(request: HttpRequest, view: str, parts: tuple) -> str | None:
    """The key of `view`'s page for this request and the `parts` its view adds; None when the
    page must be made (no CSRF secret yet, or messages to show)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(get_messages(request)):
        return None
    user = request.user
    identity = (
        user.pk,
        user.get_username(),
        user.display_name,
        user.role,
        user.unit_id,
        user.official_id,
        user.is_staff,
        user.is_superuser,
    )
    text = repr((SHAPE, view, identity, secret, request.get_full_path(), get_language(), parts))
    return f"page:{view}:{user.pk}:{hashlib.sha256(text.encode()).hexdigest()}"


def served(
    request: HttpRequest,
    view: str,
    parts: tuple,
    make: Callable[[], tuple[HttpResponse, dict[str, int] | None]],
) -> HttpResponse:
    """The page from the cache while the topics it shows are at the versions it was made
    under; else `make()` → (the rendered response, the versions of the topics it shows read
    before it was made, or None when unknown), stored when those versions are known."""
    key = entry_key(request, view, parts)
    if key is not None:
        entry = cache.get(key)
        if entry is not None and stamp(entry["topics"]) == entry["stamp"]:
            return HttpResponse(entry["content"], content_type=entry["content_type"])
    response, made_under = make()
    if key is not None and made_under is not None and response.status_code == 200:
        entry = {
            "topics": sorted(made_under),
            "stamp": digest(made_under),
            "content": response.content,
            "content_type": response["Content-Type"],
        }
        cache.set(key, entry, TIMEOUT)
    return response
