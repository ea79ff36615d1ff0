"""Versions of what cached pages show, one per topic: a month's reporting of one industry, one
industry's problems, a month's statistics figures, the matrix ….

A writer names the topics its write changes (`data_changed(topics.reporting(p, i))`); the bump
happens when its transaction commits, and a write that names none bumps nothing (a draft's
save). A reader keys each cached part on the `stamp()` of the topics it depends on, so a write
invalidates only the parts that show what it changed.

A topic's version is a fresh number (never one used before), not a counter: should Redis lose a
key while entries cached under it remain, the key comes back with a new number, and those
entries are never read again. When Redis is away a bump is remembered and sent at the process's
next request; until then readers get None and compute uncached."""

import atexit
import hashlib
import logging
import time
from collections.abc import Iterable

from portal.cache import ResilientRedisCache

logger = logging.getLogger(__name__)

PREFIX = "portal:topic:"  # a key per topic, where the cache is not Redis
HASH = "portal:topics"  # on Redis, a field per topic of one hash

# Bumps that found the cache unreachable: sent before this process trusts the cache again, so
# entries cached under the old versions are not served once Redis is back.
_unsent: set[str] = set()


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
    return time.time_ns()


def _get(names: list[str]) -> dict[str, int | None] | None:
    """The stored versions (None for a topic without one); None when the cache is away. On
    Redis they are the fields of one hash, read in one HMGET (a dashboard needs some 250)."""
    from django.core.cache import caches

    cache = caches["default"]

    if isinstance(cache, ResilientRedisCache):
        return cache.hash_get(HASH, names)
    found = cache.get_many([PREFIX + name for name in names])
    return {name: found.get(PREFIX + name) for name in names}


def _set(versions: dict[str, int]) -> bool:
    """Store versions; False when the cache is away."""
    from django.core.cache import caches

    cache = caches["default"]

    if isinstance(cache, ResilientRedisCache):
        return cache.hash_set(HASH, versions)
    return not cache.set_many({PREFIX + name: value for name, value in versions.items()}, None)


def _send(names: set[str]) -> bool:
    try:
        return _set({name: _fresh() for name in names})
    except Exception:  # runs after the commit: a cache fault must not fail the user's write
        logger.warning("data versions not bumped", exc_info=True)
        return False


def _bump(names: Iterable[str]) -> None:
    names = set(names) | _unsent
    if names and _send(names):
        _unsent.clear()
    else:
        _unsent.update(names)


def send_unsent_bump(**kwargs) -> None:
    if _unsent:
        _bump(())


@atexit.register
def _at_exit() -> None:
    """A command ending with bumps unsent (Redis away at its commit) tries once more, and
    says so if it still cannot: the pages may show the old figures for up to an hour."""
    if _unsent:
        _bump(())
    if _unsent:
        logger.error("data versions not bumped at exit (cache unreachable): %s", sorted(_unsent))


def data_changed(*names: str) -> None:
    """Call inside a write, naming the topics it changes; they are bumped when it commits."""
    from django.db import transaction

    if names:
        transaction.on_commit(lambda: _bump(names))


def versions(names: Iterable[str]) -> dict[str, int] | None:
    """The topics' current versions (one round trip); None when the cache cannot be reached."""
    if _unsent:
        _bump(())
        if _unsent:
            return None
    current = _get(list(dict.fromkeys(names)))
    if current is None:
        return None
    missing = {name: _fresh() for name, value in current.items() if value is None}
    if missing:
        # A topic never bumped (or lost) starts at a number never used before.
        if not _set(missing):
            return None
        current.update(missing)
    return current


def digest(current: dict[str, int]) -> str:
    """A short digest of topics' versions, to key a cache entry on."""
    text = ";".join(f"{name}={value}" for name, value in sorted(current.items()))
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def stamp(names: Iterable[str]) -> str | None:
    """The digest of the topics' current versions; None when the cache cannot be reached
    (compute, and store nothing)."""
    current = versions(names)
    return None if current is None else digest(current)
