"""Versions of what cached pages show, one per topic: a month's reporting of one industry, one
industry's problems, a month's statistics figures, the matrix ….

A writer names the topics its write changes (`data_changed(topics.reporting(p, i))`): their
versions are raised in the database inside its transaction (portal.models.TopicVersion, the
truth) and sent to Redis when it commits; a write that names none bumps nothing (a draft's
save). A reader keys each cached part on the `stamp()` of the topics it depends on, so a write
invalidates only the parts that show what it changed.

Readers ask Redis (one HMGET); a topic Redis lacks (emptied, restarted, or the hash expired) is
read back from the database in one query, so the parts stored under the versions stay valid.
A version only rises, in the database and in Redis (portal.cache.hash_raise), and is never one
used before: a fresh bump is at least the time in microseconds. When Redis is away a bump is
remembered and sent at the process's next request; until then readers get None and compute
uncached. Should a process die between its commit and the send, Redis has the old version until
the hash expires (HASH_SECONDS after it was made) and is read again from the database."""

import atexit
import hashlib
import logging
import time
from collections.abc import Iterable

from portal.cache import ResilientRedisCache

logger = logging.getLogger(__name__)

PREFIX = "portal:topic:"  # a key per topic, where the cache is not Redis
# On Redis, a field per topic of one hash (":us": versions in microseconds; the earlier hash of
# versions in nanoseconds is never read again: delete `:1:portal:topics` once after deploying).
HASH = "portal:topics:us"
HASH_SECONDS = 15 * 60

# Bumps that found the cache unreachable: sent before this process trusts the cache again, so
# entries cached under the old versions are not served once Redis is back.
_unsent: dict[str, int] = {}


def _pending() -> set[str]:
    """The topics raised in the open transaction of this thread's connection. A reader inside
    that transaction computes them uncached: it sees rows no other process sees yet (or ever,
    should it roll back), and would otherwise store them, or their raised versions, where other
    processes read. Emptied at the commit and whenever no transaction is open."""
    from django.db import connection

    if not connection.in_atomic_block:
        connection.__dict__.pop("portal_topics_raised", None)
        return set()
    return connection.__dict__.setdefault("portal_topics_raised", set())


def _mark_pending(names: list[str]) -> None:
    _pending().update(names)


class topics:
    """The topics. Chains and reporting both write them, so they live here, below both."""

    MATRIX = "matrix"  # industries, units and who reports where
    PERIODS = "periods"  # months, deadlines, the working-day calendar
    ENTERPRISES = "enterprises"  # key enterprises, their tiers and monthly figures
    LAND = "land"
    INNOVATION = "innovation"
    LEADS = "leads"
    INSTRUCTIONS = "instructions"  # leaders' 批示
    ASSESSMENT = "assessment"
    POLICIES = "policies"
    # Who owes what (My work): an update started or its review state, a work plan started or
    # moved on, an action item's step. Every user's My work is keyed on it.
    WORK = "work"
    # Reports generated and finalised (the dashboard's line on the annual report).
    REPORTS = "reports"

    @staticmethod
    def started(year: int) -> str:
        """Which updates of a year's months were started (the districts' assessment counts
        them; the overview does not show drafts)."""
        return f"started:{year}"

    @staticmethod
    def reporting(period_id: int, industry_id: int) -> str:
        """Who filed a month's update of an industry, when, and its review."""
        return f"reporting:{period_id}:{industry_id}"

    @staticmethod
    def problems(industry_id: int) -> str:
        """An industry's filed problems and coordination meetings."""
        return f"problems:{industry_id}"

    @staticmethod
    def actions(industry_id: int) -> str:
        """An industry's supervised items (督办事项)."""
        return f"actions:{industry_id}"

    @staticmethod
    def projects(industry_id: int) -> str:
        """An industry's project register."""
        return f"projects:{industry_id}"

    @staticmethod
    def plans(year: int) -> str:
        """The year's work plans and their progress."""
        return f"plans:{year}"

    @staticmethod
    def figures(year: int, month: int) -> str:
        """The statistics bureau's industry figures of a month (and their flags)."""
        return f"figures:{year}-{month:02d}"

    @staticmethod
    def analysis(period_id: int) -> str:
        """The statistics bureau's analysis of a month."""
        return f"analysis:{period_id}"


def _fresh() -> int:
    """Microseconds: below 2**53, so exact in Redis's Lua (portal.cache)."""
    return time.time_ns() // 1000


def _get(names: list[str]) -> dict[str, int | None] | None:
    """The versions Redis holds (None for a topic it lacks); None when the cache is away. On
    Redis they are the fields of one hash, read in one HMGET (a dashboard needs some 250)."""
    from django.core.cache import caches

    cache = caches["default"]

    if isinstance(cache, ResilientRedisCache):
        return cache.hash_get(HASH, names)
    found = cache.get_many([PREFIX + name for name in names])
    return {name: found.get(PREFIX + name) for name in names}


def _set(versions: dict[str, int], *, loaded: bool = False) -> bool:
    """Raise the versions Redis holds to these; False when the cache is away. Without Redis
    (one process's memory), versions `loaded` from the database fill only what is missing."""
    from django.core.cache import caches

    cache = caches["default"]

    if isinstance(cache, ResilientRedisCache):
        return cache.hash_raise(HASH, versions, HASH_SECONDS)
    if loaded:
        for name, value in versions.items():
            cache.add(PREFIX + name, value, None)
        return True
    return not cache.set_many({PREFIX + name: value for name, value in versions.items()}, None)


def _load(names: list[str]) -> dict[str, int]:
    """The versions in the database (0 for a topic never bumped), in one query."""
    from portal.models import TopicVersion

    stored = dict(TopicVersion.objects.filter(name__in=names).values_list("name", "version"))
    return {name: stored.get(name, 0) for name in names}


def _raise(names: list[str]) -> dict[str, int]:
    """Raise the topics' versions in the database (in the caller's transaction; in name order,
    so two writers lock the rows alike) to a number never used before; the new versions."""
    from django.db import connection

    from portal.models import TopicVersion

    table = connection.ops.quote_name(TopicVersion._meta.db_table)
    highest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    now = _fresh()
    rows = ", ".join(["(%s, %s)"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, version) VALUES {rows} ON CONFLICT (name) DO UPDATE "
            f"SET version = {highest}({table}.version + 1, excluded.version) "
            "RETURNING name, version",
            [value for name in names for value in (name, now)],
        )
        return dict(cursor.fetchall())


def _send(versions: dict[str, int]) -> bool:
    try:
        return _set(versions)
    except Exception:  # runs after the commit: a cache fault must not fail the user's write
        logger.warning("data versions not bumped", exc_info=True)
        return False


def _bump(versions: dict[str, int]) -> None:
    """Send versions (and those not sent before) to Redis."""
    for name, value in versions.items():
        _unsent[name] = max(value, _unsent.get(name, 0))
    if _unsent and _send(dict(_unsent)):
        _unsent.clear()


def send_unsent_bump(**kwargs) -> None:
    if _unsent:
        _bump({})


@atexit.register
def _at_exit() -> None:
    """A command ending with bumps unsent (Redis away at its commit) tries once more, and
    says so if it still cannot: Redis has the old versions until its hash expires."""
    if _unsent:
        _bump({})
    if _unsent:
        logger.error("data versions not bumped at exit (cache unreachable): %s", sorted(_unsent))


def data_changed(*names: str) -> None:
    """Call inside a write, naming the topics it changes: their versions are raised in its
    transaction and sent to Redis when it commits."""
    from django.db import transaction

    if names:
        raised = _raise(sorted(set(names)))
        _mark_pending(list(raised))
        transaction.on_commit(lambda: _committed(raised))


def _committed(raised: dict[str, int]) -> None:
    from django.db import connection

    connection.__dict__.pop("portal_topics_raised", None)
    _bump(raised)


def bump_now(*names: str) -> None:
    """Raise and send at once, whatever the transaction (another process's committed write,
    in tests and the bench)."""
    _bump(_raise(sorted(set(names))))


def versions(names: Iterable[str]) -> dict[str, int] | None:
    """The topics' current versions (one round trip; two when Redis lacks some); None when the
    cache cannot be reached, or when this thread's open transaction raised one of them."""
    names = list(dict.fromkeys(names))
    if _pending().intersection(names):
        return None
    if _unsent:
        _bump({})
        if _unsent:
            return None
    current = _get(names)
    if current is None:
        return None
    missing = [name for name, value in current.items() if value is None]
    if missing:
        stored = _load(missing)
        if not _set(stored, loaded=True):
            return None
        current.update(stored)
    return current


def digest(current: dict[str, int]) -> str:
    """A short digest of topics' versions, to key a cache entry on."""
    text = ";".join(f"{name}={value}" for name, value in sorted(current.items()))
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def cache_key(key_parts: tuple, depends: Iterable[str]) -> str | None:
    """`key_parts` and the digest of the topics' versions, joined; None when the versions are
    unknown (see versions())."""
    version = stamp(depends)
    return None if version is None else ":".join(str(p) for p in (*key_parts, version))


def cached(
    key_parts: tuple,
    compute,
    depends: Iterable[str],
    *,
    timeout: int = 60 * 60,
    using: str = "default",
):
    """`compute()`, kept in the `using` cache under `key_parts` and the versions of the topics
    it `depends` on; computed and kept nowhere when the versions are unknown."""
    from django.core.cache import caches

    key = cache_key(key_parts, depends)
    if key is None:
        return compute()
    cache = caches[using]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def stamp(names: Iterable[str]) -> str | None:
    """The digest of the topics' current versions; None when the cache cannot be reached
    (compute, and store nothing)."""
    current = versions(names)
    return None if current is None else digest(current)
