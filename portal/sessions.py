"""Sessions read from the cache and written to the database and the cache (Django's cached_db),
so a page reads no session row; with the idle timeout checked on a cache hit too.

A session held in the cache lives as long as its cache entry, which Redis ends on the real
clock; the stamp SessionTouchMiddleware puts in the session (at most a minute old while the user
is at work) ends it at SESSION_COOKIE_AGE of idleness whatever the cache holds, as the database
row's expiry does."""

import time

from django.conf import settings
from django.contrib.sessions.backends import cached_db


class SessionStore(cached_db.SessionStore):
    def load(self):
        data = super().load()
        touched = data.get("_touched")
        if touched is not None and time.time() - touched > settings.SESSION_COOKIE_AGE:
            self._session_key = None  # as Django's database store does with an expired row
            return {}
        return data
