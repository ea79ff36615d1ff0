"""The real services the portal runs on: PostgreSQL in CI, Redis as cache and Celery broker,
and a real Celery worker."""

from django.core.cache import cache
from django.db import connection

from portal.celery import app
from reporting.updates.tasks import ping
from tests.celery_helpers import real_worker


def test_database_is_postgresql_when_ci_provides_it(postgres, db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW TIMEZONE")
        cursor.fetchone()


def test_cache_round_trip_through_redis(redis_url):
    import redis

    cache.set("portal-test-key", {"中文": 1}, 30)
    assert cache.get("portal-test-key") == {"中文": 1}
    # The value really lives in Redis, not in process memory.
    assert redis.Redis.from_url(redis_url).keys("*portal-test-key*")
    cache.delete("portal-test-key")


def test_a_real_worker_runs_a_task_over_redis(redis_url):
    with real_worker(redis_url):
        assert not app.conf.task_always_eager
        assert ping.delay().get(timeout=20) == "pong"


def test_without_redis_tasks_run_eagerly(settings):
    """The embedded default: no REDIS_URL, so `make run` needs no broker."""
    from portal.settings import base

    if base.REDIS_URL:
        assert base.CELERY_BROKER_URL == base.REDIS_URL
    else:
        assert base.CELERY_TASK_ALWAYS_EAGER is True
        assert ping.delay().get() == "pong"
