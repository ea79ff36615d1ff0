"""One number that changes whenever data the dashboard shows changes.

Writers call `data_changed()` inside their transaction (the bump happens on commit) without
knowing who reads the number; the dashboard keys its cache on `data_version()`. When Redis is
away the bump is remembered and sent at the process's next request; until then readers get
None and compute uncached."""

import logging
import time

logger = logging.getLogger(__name__)

# Renamed from "dashboard:version" when the dashboard became a package: entries cached under the
# old key's versions hold objects pickled by their old module path, and must not be read again.
VERSION_KEY = "portal:dataversion"

# A bump that found the cache unreachable: sent before this process trusts the cache again,
# so entries cached under the old version are not served once Redis is back.
_unsent_bump = False


def _fresh_version() -> int:
    # Never a version used before, should the key be lost while old entries remain.
    return time.time_ns() // 1_000_000


def data_version() -> int | None:
    """The current data version; None when the cache cannot be reached (compute uncached)."""
    from django.core.cache import cache

    if _unsent_bump:
        _bump()
        if _unsent_bump:
            return None
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    global _unsent_bump
    from django.core.cache import cache

    try:
        sent = cache.incr(VERSION_KEY) is not None  # None: the cache is unreachable
    except ValueError:  # no version yet: the next reader starts a fresh one
        sent = True
    except Exception:  # runs after the commit: a cache fault must not fail the user's write
        logger.warning("dashboard data version not bumped", exc_info=True)
        sent = False
    _unsent_bump = not sent


def send_unsent_bump(**kwargs) -> None:
    if _unsent_bump:
        _bump()


def data_changed() -> None:
    """Call inside any write that the dashboard shows; takes effect when it commits."""
    from django.db import transaction

    transaction.on_commit(_bump)
