"""My work's data for one user: what the unit owes (monthly updates, work plans and their
progress), what it may add inputs to and its action items. Cached per user and day under the
versions of the matrix, the months and who owes what (topics.WORK): a draft's save or autosave
bumps none of them, so the page a unit keeps open while filing stays cached."""

import datetime
from collections import Counter

from accounts.models import User
from portal import dataversion
from portal.dataversion import cached, topics
from reporting.plans import selectors as plans
from reporting.supervision import selectors as supervision
from reporting.updates import selectors

TIMEOUT = 60 * 60
DEPENDS = (topics.MATRIX, topics.PERIODS, topics.WORK)
# Raised when what is kept changes shape (DueItem, PlanDue …), so that a deploy reads none
# of the entries the code before it kept.
SHAPE = 1


def my_work(user: User, today: datetime.date) -> dict:
    """The parts of My work, from the cache when none of what they show has changed. An account
    without a unit owes nothing: computed without a query, and not kept."""
    if not user.unit_id:
        return _compute(user, today)
    return cached(
        _key_parts(user, today),
        lambda: _compute(user, today),
        DEPENDS,
        timeout=TIMEOUT,
        using="pages",
    )


def cache_key(user: User, today: datetime.date) -> str | None:
    """Where the user's My work of the day is kept (None: not kept)."""
    return dataversion.cache_key(_key_parts(user, today), DEPENDS) if user.unit_id else None


def _key_parts(user: User, today: datetime.date) -> tuple:
    """The user and what their permissions come from (unit, official), and the day: lights,
    locks and working days left change with it."""
    return (f"mywork{SHAPE}", user.pk, user.unit_id, user.official_id, today.isoformat())


def _compute(user: User, today: datetime.date) -> dict:
    items = selectors.due_items(user, today)
    per_period = Counter(item.period for item in items)
    plan_year = plans.default_plan_year(today)
    return {
        "items": items,
        "returned": selectors.returned_to_me(items),
        "contributions": selectors.contribution_items(user, today),
        "actions": supervision.unit_actions(user, today),
        "batch_periods": sorted(
            (period for period, count in per_period.items() if count > 1),
            key=lambda p: (p.year, p.month),
            reverse=True,
        ),
        "plan_year": plan_year,
        "plan_dues": plans.plans_owed(user.unit, plan_year) if user.unit_id else [],
        "progress_periods": plans.progress_periods(user.unit, today) if user.unit_id else [],
    }
