"""Settings for the test suite: the same as production in behaviour, faster where it is safe."""

from portal.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tests run tasks in-process unless a test starts a real worker (tests/test_services.py and
# tests/reporting/test_outbox.py switch this off around the worker).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
