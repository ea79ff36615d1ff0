"""Settings shared by every environment; everything machine-specific comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Only the process environment: docker compose passes .env itself, and `make run` must not
# pick up a compose .env that points at hosts named "postgres" and "redis".
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # django-guardian and django-axes under Chinese names (portal/apps.py).
    "portal.apps.GuardianConfig",
    "portal.apps.AxesConfig",
    "csp",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal.apps.PortalConfig",
    "accounts",
    "chains",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.SessionTouchMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every URL needs a login unless its view opts out ...
    "accounts.middleware.LoginRequiredMiddleware",
    # ... and every view must declare how it checks permissions.
    "accounts.middleware.AccessPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it sees the outcome of authentication for lockouts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection that PostgreSQL dropped (restart, failover) is replaced on the next request
# instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Administrators by role hold the admin's model permissions (accounts/backends.py).
    "accounts.backends.RoleBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Similarity misses "admin-admin-admin" for admin: refuse any password containing the name.
    {"NAME": "accounts.password_validation.UserAttributeInPasswordValidator"},
    {
        # Django's rule, with its Chinese message (Django 5.2's catalogue lacks it).
        "NAME": "accounts.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.RepetitionValidator", "OPTIONS": {"min_distinct": 5}},
]

# Idle sessions end after 30 minutes; a request renews the clock, writing the session at most
# once a minute (portal.middleware.SessionTouchMiddleware), not on every request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Read from the cache, written to the database and the cache: a page reads no session row.
# Redis down or flushed: read from the database (portal.cache answers a miss).
SESSION_ENGINE = "portal.sessions"
CSRF_COOKIE_HTTPONLY = True

# Login throttling: lock the (username, IP) pair, not the IP alone, so one NAT'd bureau
# is not locked out by a colleague's typos, and lift the lock after a cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Redis when REDIS_URL is set (broker and cache); otherwise an embedded setup:
# tasks run eagerly in the web process and the cache is per-process memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down or hung is a cache miss, never an error (portal/cache.py).
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=2),
                "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=2),
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
# The dashboard's parts and page: Redis in front of the database (portal.cache.LayeredCache),
# so an emptied or restarted Redis finds them again in one query. Their keys are versioned by
# what they show (portal.dataversion) and dated, so an entry is never read stale; the database
# keeps them a day, Redis the hour each caller asks (five minutes when read back from the
# database).
CACHES["pages_db"] = {
    "BACKEND": "portal.cache.BulkDatabaseCache",
    "LOCATION": "portal_cache",
    "TIMEOUT": 24 * 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
CACHES["pages"] = {
    "BACKEND": "portal.cache.LayeredCache",
    "OPTIONS": {"LAYERS": ["default", "pages_db"]},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 60 * 60
# Fail fast when the broker is down or hung, so a web request never waits on it.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=2)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=2),
    "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=2),
    # One more try at once (kombu would wait 2 s first): a dead broker costs a request two
    # connect timeouts, no more.
    "max_retries": 1,
    "interval_start": 0,
    # A task taken by a worker that then died is handed out again after this long (acks_late):
    # longer than the longest task (build_report's hard limit is 11 minutes), so a task still
    # running is not delivered twice; a dead worker's report job is retried sooner by the
    # heartbeat watchdog (reporting.reports_watchdog).
    "visibility_timeout": 15 * 60,
}
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "reporting.outbox_relay", "schedule": 60.0},
    "periods": {"task": "reporting.periods_ensure", "schedule": crontab(hour=0, minute=5)},
    "deadline-reminders": {
        "task": "reporting.send_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "notice-digests": {"task": "reporting.send_digests", "schedule": crontab(hour=17, minute=30)},
    # 催办: supervised items before, on and after their deadline (once each, on working days).
    "item-chases": {"task": "reporting.chase_items", "schedule": crontab(hour=8, minute=40)},
    "analysis-reminders": {
        "task": "reporting.send_analysis_reminders",
        "schedule": crontab(hour=8, minute=35),
    },
    "reports": {"task": "reporting.reports_schedule", "schedule": crontab(hour=7, minute=0)},
    # Expires before the next run: while no worker runs, runs do not pile up in the queue.
    "reports-watchdog": {
        "task": "reporting.reports_watchdog",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Groups and industry object permissions drifted from the matrix (a group deleted, a
    # permission granted by hand) are re-synced; `manage.py check` reports the same drift.
    "permissions-resync": {
        "task": "accounts.permissions_resync",
        "schedule": crontab(hour=3, minute=40),
    },
    # Refused statistics uploads keep their file 30 days, then only the record stays.
    "purge-refused-statistics-files": {
        "task": "chains.purge_refused_files",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Report rendering uses a few hundred MB: a worker process is replaced past this (KiB).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 1_500_000

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="chain-portal@localhost")

# Guardian: we never use anonymous object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-import-export: imports are all or nothing. Exports neutralise formulae through the
# resources' SafeExportMixin (portal/spreadsheets.py), not the library's option: that one only
# deletes a leading "=", misses "+", "-", "@", tab and CR, and turns numbers into text.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# The upload kept between preview and confirm goes to media (shared by the web processes), not
# to the cache: with Redis down the cache forgets it and the confirm step would fail.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Content Security Policy: only our own origin; no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The API for other systems (chains/api): each call authenticated by a client system's token
# (no sessions, so no CSRF), refused unless a view grants its scope, answered in JSON only
# (the browsable renderer's page needs inline scripts the CSP forbids; /api/docs/ documents
# the API instead). Throttled per token, and per address before the token is even looked at.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["chains.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["chains.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": env("API_RATE_PER_TOKEN", default="1200/hour"),
        "api_address": env("API_RATE_PER_ADDRESS", default="120/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 500,
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "厦门市现代化产业体系工作平台 API",
    "DESCRIPTION": (
        "供市统计局等系统报送统计数据（预览、核实、导入），以及供城市数据平台读取责任矩阵、"
        "指标和数据。每次调用须带管理员签发的令牌：`Authorization: Bearer <令牌>`。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"drop_forbidden": {"()": "portal.log_filters.DropForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        # A 403 is logged in one line by portal.errors.permission_denied, not here with the
        # PermissionDenied traceback (printed twice with DEBUG: Django's console and ours).
        "django.request": {"filters": ["drop_forbidden"]},
    },
}

PORTAL_NAME = _("Xiamen 4+4+6 Modern Industrial System Portal")

# Monthly updates: the on-time deadline is this working day of the next month, and updates
# lock this many working days after it. Admins can change both per period.
REPORTING_DEADLINE_WORKING_DAY = env.int("REPORTING_DEADLINE_WORKING_DAY", default=5)
REPORTING_LOCK_AFTER_WORKING_DAYS = env.int("REPORTING_LOCK_AFTER_WORKING_DAYS", default=5)
REPORTING_REMINDER_WORKING_DAYS = env.int("REPORTING_REMINDER_WORKING_DAYS", default=3)
# Responsible units give their inputs (素材) by this working day of the next month: before the
# lead unit's deadline, so that it can use them.
REPORTING_CONTRIBUTION_WORKING_DAY = env.int("REPORTING_CONTRIBUTION_WORKING_DAY", default=3)
# Links in e-mails and group-robot posts point here.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Group robots (reporting.notices): the portal posts only to these hosts, over HTTPS.
NOTICE_WEBHOOK_HOSTS = env.list(
    "NOTICE_WEBHOOK_HOSTS", default=["qyapi.weixin.qq.com", "oapi.dingtalk.com"]
)
NOTICE_WEBHOOK_ALLOW_HTTP = env.bool("NOTICE_WEBHOOK_ALLOW_HTTP", default=False)
# A year's work plans are due on this day of January (admins may set another per year): before
# the annual report on last year, due January 31, is compiled, so it carries next year's plans.
WORK_PLAN_DEADLINE_DAY = env.int("WORK_PLAN_DEADLINE_DAY", default=15)
# The project register calls a project stuck after this many months in 策划, 签约 or 开工.
PROJECT_STUCK_MONTHS = env.int("PROJECT_STUCK_MONTHS", default=6)
# The statistics bureau's monthly analysis is due on this working day of the next month: after
# the units' deadline (its figures come later) and before the lock date, the day after which
# the monthly report is drafted, so the draft carries it. Admins can change it per period.
REPORTING_ANALYSIS_WORKING_DAY = env.int("REPORTING_ANALYSIS_WORKING_DAY", default=8)
# A report job's task writes a heartbeat this often (seconds) while it runs; a running job
# without one for REPORT_JOB_DEAD_AFTER seconds lost its worker: it is failed and retried.
REPORT_JOB_HEARTBEAT = env.float("REPORT_JOB_HEARTBEAT", default=10)
REPORT_JOB_DEAD_AFTER = env.float("REPORT_JOB_DEAD_AFTER", default=60)
# A job queued this long (seconds) whose task is neither in Redis's queue nor with a worker was
# lost (Redis restarted without persistence, a worker died before starting it): failed, retried.
REPORT_JOB_LOST_AFTER = env.float("REPORT_JOB_LOST_AFTER", default=120)
# Attachments: size limit and the kinds accepted (checked by content, not by name).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Statistics imports: checked before parsing, so a hostile file cannot exhaust the server.
STATS_MAX_UPLOAD_BYTES = env.int("STATS_MAX_UPLOAD_BYTES", default=30 * 1024 * 1024)
STATS_MAX_UNCOMPRESSED_BYTES = env.int("STATS_MAX_UNCOMPRESSED_BYTES", default=150 * 1024 * 1024)
STATS_MAX_COMPRESSION_RATIO = env.int("STATS_MAX_COMPRESSION_RATIO", default=100)
STATS_MAX_ROWS = env.int("STATS_MAX_ROWS", default=250_000)
# Width, and the grid a reader builds from A1 (rows × columns), read from the sheet's cells
# before it is parsed. With the uncompressed size above they keep the reading of an accepted
# file under 512 MB (measured: 2,000,000 cells of text peak at about 460 MB, of numbers 300).
STATS_MAX_COLUMNS = env.int("STATS_MAX_COLUMNS", default=256)
STATS_MAX_CELLS = env.int("STATS_MAX_CELLS", default=2_000_000)
