"""The embedded default for `make run`: SQLite, eager Celery, console email, DEBUG on."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
