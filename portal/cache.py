"""Django's Redis cache, made to survive Redis being down or hung.

Nothing the portal caches is the only copy of anything: a cache that cannot be reached is a
cache that misses. Every operation that fails because Redis refuses, drops or does not answer
within the socket timeout logs one line and answers as a miss (reads give the default, writes
are dropped, add gives False, incr gives None). After a failure the process does not ask Redis
again for a few seconds (in any thread), so a page that would use the cache ten times waits for
one socket timeout, not ten.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Until when (time.monotonic()) each Redis location is left alone, for the whole process:
# Django makes a cache object per thread, and every thread should profit from one failure.
_down_until: dict[str, float] = {}

# What an unreachable or hung Redis raises (OSError covers socket errors raised directly).
OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)


class _ReusedClient(RedisCacheClient):
    """Django's client makes a new redis.Redis (and its table of some 170 reply callbacks) for
    every cache operation; a page that reads versions, parts and its session makes a dozen.
    One per connection pool does (redis.Redis is thread-safe; the pool reconnects)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache that treats an outage as a miss; `check()` raises instead, for /readyz."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient
        # After a failure, skip Redis for this long (seconds) in this process.
        self.pause = float(params.get("PAUSE", 5))
        self._location = server if isinstance(server, str) else ",".join(server)

    @property
    def down(self) -> bool:
        return time.monotonic() < _down_until.get(self._location, 0.0)

    def _call(self, name, fallback, *args, **kwargs):
        if self.down:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except OUTAGE as exc:
            _down_until[self._location] = time.monotonic() + self.pause
            logger.warning("cache unreachable (%s: %s); answering without it", name, exc)
            return fallback

    def _raw(self, fallback, operation):
        """`operation(client)` on the Redis client itself, with the same outage handling."""
        if self.down:
            return fallback
        try:
            return operation(self._cache.get_client(write=True))
        except OUTAGE as exc:
            _down_until[self._location] = time.monotonic() + self.pause
            logger.warning("cache unreachable (%s); answering without it", exc)
            return fallback

    def hash_get(self, key: str, fields: list[str]) -> dict[str, int | None] | None:
        """Integers kept in one Redis hash (one HMGET); None when Redis is away."""
        values = self._raw(None, lambda client: client.hmget(self.make_key(key), fields))
        if values is None:
            return None
        return {f: None if v is None else int(v) for f, v in zip(fields, values, strict=True)}

    def hash_set(self, key: str, mapping: dict[str, int]) -> bool:
        """Set fields of the hash (one HSET); False when Redis is away."""
        return self._raw(
            False, lambda client: client.hset(self.make_key(key), mapping=mapping) >= 0
        )

    def check(self) -> None:
        """Raise if Redis does not answer now (ignores the pause)."""
        self._cache.get_client(write=True).ping()
        _down_until.pop(self._location, None)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", None, key, delta, version)

    def clear(self):
        return self._call("clear", False)
