"""Settings for OA Console, read from the environment.

Every deployment difference lives in an environment variable; the defaults give a complete
embedded stack (SQLite + a filesystem Celery broker) so a newcomer can run the console with no
servers. Production (docker-compose.yml) and CI point the same variables at PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("OA_CONSOLE_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-secret-key-change-me")
else:
    # Fail at start-up rather than run production with a guessable key.
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base URL used in links we hand out (webhook URL, invitation e-mails).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "oa_console",
    "webhooks",
    "insights",
    "segments",
    "broadcasts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "oa_console.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "oa_console.middleware.TenantMiddleware",
]

ROOT_URLCONF = "oa_console.urls"
WSGI_APPLICATION = "oa_console.wsgi.application"
AUTH_USER_MODEL = "oa_console.User"

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
                "oa_console.context_processors.tenant_navigation",
            ],
            # {% tablebox %} and the other component tags, in every template.
            "builtins": ["oa_console.templatetags.components"],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'oa_console.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the embedded worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "oa_console.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: English first; the markets we serve are listed from the start.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hant", _("Traditional Chinese")),
    ("ja", _("Japanese")),
    ("th", _("Thai")),
    ("id", _("Indonesian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Our overrides of Django's locale formats (zh_Hant thousands separators).
FORMAT_MODULE_PATH = ["oa_console.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            # Compressed like production; plain names (oa_console/static_storage.py).
            else "oa_console.static_storage.ChangedFilesCompressedStorage",
        )
    },
}
# Uploads above 2.5 MB stream to a temporary file instead of memory (Insight exports can be
# 100 MB); the import limits are checked by the importer with a clear message.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
INSIGHT_IMPORT_MAX_BYTES = env.int("INSIGHT_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
INSIGHT_IMPORT_MAX_UNZIPPED_BYTES = env.int(
    "INSIGHT_IMPORT_MAX_UNZIPPED_BYTES", default=300 * 1024 * 1024
)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Development finds static files in their source folders; runconsole (make run) turns this off
# in its web server, which then serves the collected, compressed copies like production.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OA Console <no-reply@oa-console.local>")

# Channel secrets and access tokens are encrypted with these Fernet keys (first one encrypts,
# all of them decrypt, so keys can be rotated). Without one, a key is derived from SECRET_KEY,
# which is only acceptable for local development.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEY", default=[])

# LINE: unset in production (the SDK's default hosts); tests and the demo point it at a fake.
LINE_API_HOST = env.str("LINE_API_HOST", default="")
# The embedded demo sends broadcasts to a simulated LINE on the console itself (labelled on
# every broadcast page); never in production.
BROADCASTS_SIMULATED_LINE = env.bool(
    "BROADCASTS_SIMULATED_LINE", default=DEBUG and not LINE_API_HOST
)
if BROADCASTS_SIMULATED_LINE and not DEBUG:
    raise ImproperlyConfigured("BROADCASTS_SIMULATED_LINE is for the embedded demo (DEBUG) only.")

# Celery: the default broker is a folder on disk, which needs no server and still runs a real
# worker and beat. Production and CI set CELERY_BROKER_URL to Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "record-beat-heartbeat": {"task": "oa_console.tasks.record_heartbeat", "schedule": 60.0},
    # Webhook events stored while the broker was down, and profile fetches never enqueued.
    "sweep-pending-webhook-events": {
        "task": "webhooks.tasks.sweep_pending_webhook_events",
        "schedule": 60.0,
    },
    "sweep-friend-profiles": {"task": "segments.tasks.sweep_friend_profiles", "schedule": 300.0},
    # Import jobs queued while the broker was down or abandoned by a dead worker.
    "sweep-import-jobs": {"task": "insights.tasks.sweep_import_jobs", "schedule": 120.0},
    # Insight API: hourly, so yesterday's figures arrive soon after LINE publishes them (JST)
    # and a backfill continues within LINE's 60 requests/hour per channel.
    "sweep-insight-sync": {"task": "insights.tasks.sweep_insight_sync", "schedule": 3600.0},
    # Tag coverage snapshot and RFM, once per OA-local night (the sweep finds OAs whose day is due).
    "sweep-crm-nightly": {"task": "segments.tasks.sweep_crm_nightly", "schedule": 900.0},
    # LINE's follower list, read for every OA nightly (02:00 JST, a quiet hour for LINE), and
    # syncs whose task was lost picked up again.
    "sync-followers-nightly": {
        "task": "segments.tasks.sync_followers_nightly",
        "schedule": crontab(hour=17, minute=0),
    },
    "sweep-follower-syncs": {"task": "segments.tasks.sweep_follower_syncs", "schedule": 600.0},
    # Dashboard rollups: a full recompute nightly (01:30 JST, after LINE's day closes), and
    # debounced refreshes whose task never reached the broker.
    "recompute-all-metrics": {
        "task": "insights.metrics.tasks.recompute_all_metrics",
        "schedule": crontab(hour=16, minute=30),
    },
    "sweep-metric-refreshes": {
        "task": "insights.metrics.tasks.sweep_metric_refreshes",
        "schedule": 300.0,
    },
    # Broadcasts: hand due ones to workers within 15 s of their time, resume stalled sends.
    "dispatch-due-broadcasts": {
        "task": "broadcasts.tasks.dispatch_due_broadcasts",
        "schedule": 15.0,
    },
}

# Task modules outside an app's tasks.py (autodiscovery only finds those).
CELERY_IMPORTS = ("insights.metrics.tasks",)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oa_console.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "oa_console.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "oa_console.api.errors.error_envelope_handler",
    "DEFAULT_SCHEMA_CLASS": "oa_console.api.schema.OperationSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Strict JSON only, nesting bounded (a deep body was a RecursionError, a 500).
    "DEFAULT_PARSER_CLASSES": ["oa_console.api.parsers.BoundedJSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OA Console API",
    "DESCRIPTION": "Insights, friends, segments and broadcasts for LINE Official Accounts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The docs page (Swagger UI at /api/v1/docs/) loads nothing from outside: its files come
    # from drf-spectacular-sidecar, and Swagger's online validator badge is off. (Redoc was
    # dropped: its template asks Google Fonts and its sidebar always shows a logo from
    # cdn.redoc.ly, so it cannot work offline.)
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of the console that append the client's address to
# X-Forwarded-For (0: the console is reached directly and REMOTE_ADDR is the client). Used to
# limit how often one address counts as a click or campaign visit (oa_console/throttle.py).
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "oa_console.logging.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
