"""Django's Redis cache, made to survive Redis being down or hung.

Nothing the portal caches is the only copy of anything: a cache that cannot be reached is a
cache that misses. Every operation that fails because Redis refuses, drops or does not answer
within the socket timeout logs one line and answers as a miss (reads give the default, writes
are dropped, add gives False, incr gives None). After a failure the process does not ask Redis
again for a few seconds (in any thread), so a page that would use the cache ten times waits for
one socket timeout, not ten.
"""

import base64
import logging
import pickle
import time
from datetime import UTC, datetime

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now
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


# Integers below 2**53, exact in Lua's numbers.
_RAISE = """
for i = 2, #ARGV, 2 do
  local now = redis.call('HGET', KEYS[1], ARGV[i])
  if (not now) or tonumber(now) < tonumber(ARGV[i + 1]) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return 1
"""


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

    def hash_raise(self, key: str, mapping: dict[str, int], ttl: int) -> bool:
        """Raise fields of the hash to the values given, never lower one (one script: two
        processes sending versions out of order leave the higher); the hash lives `ttl`
        seconds from its creation. False when Redis is away."""
        args = [str(v) for pair in mapping.items() for v in pair]
        return self._raw(
            False,
            lambda client: client.eval(_RAISE, 1, self.make_key(key), ttl, *args) is not None,
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


class LayeredCache(BaseCache):
    """Caches in layers (OPTIONS["LAYERS"], aliases, fastest first): a read asks each in turn
    for what the ones before lacked and fills them with what it found (for their own TIMEOUT);
    a write goes to every layer. The first layer keeps an entry the timeout asked, the others
    their own TIMEOUT. clear() empties every layer: the whole of a shared Redis."""

    def __init__(self, location, params):
        super().__init__(params)
        self.aliases = params["OPTIONS"]["LAYERS"]

    @property
    def layers(self) -> list[BaseCache]:
        return [caches[alias] for alias in self.aliases]

    def get_many(self, keys, version=None):
        found, missing, above = {}, list(keys), []
        for layer in self.layers:
            if not missing:
                break
            got = layer.get_many(missing, version=version)
            if got:
                for upper in above:
                    upper.set_many(got, version=version)
                found.update(got)
                missing = [key for key in missing if key not in got]
            above.append(layer)
        return found

    def get(self, key, default=None, version=None):
        return self.get_many([key], version=version).get(key, default)

    def has_key(self, key, version=None):
        return key in self.get_many([key], version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        first, *rest = self.layers
        first.set_many(data, timeout, version=version)
        for layer in rest:
            if timeout is not None and timeout is not DEFAULT_TIMEOUT and timeout <= 0:
                # "Do not keep it" (a page drawn while the versions are unknown): no layer
                # keeps it, nor an older entry of the key.
                layer.delete_many(list(data), version=version)
            else:
                layer.set_many(data, version=version)
        return []

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version=version):
            return False
        self.set(key, value, timeout, version=version)
        return True

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return any([layer.touch(key, timeout, version=version) for layer in self.layers])

    def delete(self, key, version=None):
        return any([layer.delete(key, version=version) for layer in self.layers])

    def clear(self):
        for layer in self.layers:
            layer.clear()


class BulkDatabaseCache(DatabaseCache):
    """Django's DatabaseCache, whose set_many stores every entry in one statement (an upsert)
    after one count for culling, instead of four queries and a savepoint per entry; its writes
    fail as a miss."""

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        table = connection.ops.quote_name(self._table)
        rows = []
        # In key order, so two writers of the same keys lock them alike.
        for key, value in sorted(
            (self.make_and_validate_key(key, version=version), value) for key, value in data.items()
        ):
            pickled = pickle.dumps(value, self.pickle_protocol)
            rows += [key, base64.b64encode(pickled).decode("latin1"), expires]
        try:
            # As Django's own: a cache that cannot write (a lock, a deadlock with a cull) is
            # a miss, never an error of the page, nor of the caller's transaction.
            with transaction.atomic(using=db), connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
                cursor.execute(
                    f"INSERT INTO {table} (cache_key, value, expires) VALUES "
                    + ", ".join(["(%s, %s, %s)"] * len(data))
                    + " ON CONFLICT (cache_key) DO UPDATE "
                    "SET value = excluded.value, expires = excluded.expires",
                    rows,
                )
        except DatabaseError:
            logger.warning("pages not stored in the database", exc_info=True)
            return list(data)
        return []

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version=version)

    def delete_many(self, keys, version=None):
        """As set_many: a database error is a miss, never an error of the page."""
        try:
            with transaction.atomic(using=router.db_for_write(self.cache_model_class)):
                super().delete_many(keys, version=version)
        except DatabaseError:
            logger.warning("pages not deleted from the database", exc_info=True)
