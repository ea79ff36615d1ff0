"""Sessions read from the cache and written to the database and the cache (Django's cached_db),
so a page reads no session row; with the idle timeout checked on a cache hit too, and a deletion
the cache missed (Redis away at logout) retried.

A session held in the cache lives as long as its cache entry, which Redis ends on the real
clock; the stamp SessionTouchMiddleware puts in the session (at most a minute old while the user
is at work) ends it at SESSION_COOKIE_AGE of idleness whatever the cache holds, as the database
row's expiry does.

A logout deletes the row, then the cache entry. With Redis away the entry cannot be deleted: it
would be served again once Redis is back. This process then ignores it and deletes it at its
next request (`retry_deletes`, on request_started); other processes could serve it only between
Redis coming back and that retry."""

import time

from django.conf import settings
from django.contrib.sessions.backends import cached_db

# Cache keys of sessions deleted from the database whose cache entry this process could not
# delete yet.
_undeleted: set[str] = set()


class SessionStore(cached_db.SessionStore):
    def load(self):
        if self.cache_key in _undeleted:
            self._session_key = None  # deleted: its cache entry is not to be believed
            return {}
        data = super().load()
        touched = data.get("_touched")
        if touched is not None and time.time() - touched > settings.SESSION_COOKIE_AGE:
            self._session_key = None  # as Django's database store does with an expired row
            return {}
        return data

    def delete(self, session_key=None):
        key = session_key or self.session_key
        super().delete(session_key)
        if key and getattr(self._cache, "down", False):  # portal.cache: the delete was not sent
            _undeleted.add(self.cache_key_prefix + key)


def retry_deletes(**kwargs) -> None:
    """Delete the cache entries of sessions deleted while Redis was away."""
    if not _undeleted:
        return
    from django.core.cache import caches

    cache = caches[settings.SESSION_CACHE_ALIAS]
    for key in list(_undeleted):
        cache.delete(key)
        if getattr(cache, "down", False):
            return
        _undeleted.discard(key)
