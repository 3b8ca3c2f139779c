"""Settings for OA Console, read from the environment.

Every deployment difference lives in an environment variable; the defaults give a complete
embedded stack (SQLite + a filesystem Celery broker) so a newcomer can run the console with no
servers. Production (docker-compose.yml) and CI point the same variables at PostgreSQL and Redis.
"""

from datetime import timedelta
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
    "oa_console.security.ConsoleCSPMiddleware",
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
# Zip bombs: a member inflating past this many times its packed size, more members than
# this, or an archive inside the zip is refused while streaming (insights/services/archives.py).
INSIGHT_IMPORT_MAX_ZIP_RATIO = env.int("INSIGHT_IMPORT_MAX_ZIP_RATIO", default=100)
INSIGHT_IMPORT_MAX_ZIP_MEMBERS = env.int("INSIGHT_IMPORT_MAX_ZIP_MEMBERS", default=10_000)
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

# The secret salt of erased friends' tombstones (an HMAC of the OA and the LINE user id, see
# segments.personal_data). Without one it is derived from SECRET_KEY; set it in production so
# that rotating SECRET_KEY does not make earlier erasures unrecognisable.
PERSONAL_DATA_SALT = env.str("PERSONAL_DATA_SALT", default="")

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
    # Raw webhook events processed and older than each OA's retention period (03:15 JST, after
    # the nightly rollups), deleted in small batches.
    "prune-raw-webhook-events": {
        "task": "webhooks.tasks.prune_raw_webhook_events",
        "schedule": crontab(hour=18, minute=15),
    },
    # Import jobs queued while the broker was down, or whose worker stopped beating (90 s).
    "sweep-import-jobs": {"task": "insights.tasks.sweep_import_jobs", "schedule": 30.0},
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
    # The audit log's retention (AUDIT_LOG_RETENTION_DAYS), nightly at 03:15 JST.
    "prune-audit-log": {
        "task": "oa_console.tasks.prune_audit_log",
        "schedule": crontab(hour=18, minute=15),
    },
    "drain-activities": {"task": "oa_console.activity.tasks.drain_activities", "schedule": 5.0},
    "prune-activities": {"task": "oa_console.activity.tasks.prune_activities", "schedule": 3600.0},
}
ACTIVITY_LOG_RETENTION_DAYS = env.int("ACTIVITY_LOG_RETENTION_DAYS", default=30)
# How long audit entries are kept, in days (0 = forever). Two years covers the look-back an
# agency's client usually asks for; every workspace gets the same period.
AUDIT_LOG_RETENTION_DAYS = env.int("AUDIT_LOG_RETENTION_DAYS", default=730)

# Task modules outside an app's tasks.py (autodiscovery only finds those).
CELERY_IMPORTS = ("insights.metrics.tasks", "oa_console.activity.tasks")

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
    # Choice sets that share a field name get a name of their own, not a hash suffix.
    "ENUM_NAME_OVERRIDES": {
        "BroadcastStatusEnum": "broadcasts.models.Broadcast.Status",
        "FriendStatusEnum": "segments.models.Friend.Status",
        "AuditActionEnum": "oa_console.models.AuditAction",
    },
}

# --- HTTPS and security headers ------------------------------------------------------------
# Production runs behind the compose stack's Caddy (deploy/Caddyfile), which terminates HTTPS
# and sets X-Forwarded-Proto itself (a client's own value is replaced), so the console knows a
# request was secure. `manage.py check --deploy --fail-level WARNING` passes with these in
# production (tests/oa_console/test_deploy_check.py, CI).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain-HTTP requests redirected to HTTPS (compose: true; Caddy redirects first anyway). The
# container's own healthcheck asks over plain HTTP and is exempt.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Strict-Transport-Security on every HTTPS answer (never on plain HTTP): a year unless DEBUG.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is the domain owner's decision (browsers' preload list takes the registrable
# domain, not the console's host, and leaving it takes months): off unless set, and Django's
# reminder about it (security.W021) silenced while off.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4). Scripts only from our static files (charts read their
# figures from <script type="application/json"> blocks; the API docs page is Swagger UI's split
# view, whose start-up script is a file too). style-src needs 'unsafe-inline': Plotly writes
# style attributes and a <style> element of its own while drawing every chart, htmx adds its
# indicator <style>, Swagger UI's page has an inline <style>, and a few bars are sized by a
# style attribute. Inline styles cannot run code; scripts stay strict.
# img-src: LINE's profile-picture hosts (a friend's page); the broadcast pages add https: for
# the marketer's images (oa_console/security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": [
            "'self'",
            "data:",
            "https://profile.line-scdn.net",
            "https://obs.line-scdn.net",
        ],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Reverse proxies in front of the console that append the client's address to
# X-Forwarded-For (0: the console is reached directly and REMOTE_ADDR is the client). Used to
# limit how often one address counts as a click or campaign visit (oa_console/throttle.py).
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

# Sign-in security (issue 14): two-factor sign-in (django-otp), lockout after failed sign-ins
# (django-axes) and throttled password-reset requests (django-ratelimit). One block on purpose.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
INSTALLED_APPS += ["axes"]
# OTPMiddleware right after authentication (it marks request.user verified or not); the
# two-factor gate after the tenant (it needs the workspace's requirement); axes last (it turns
# a lockout into the login page with its message).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += [
    "oa_console.two_factor.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures per account and, separately, per address (either reaching the limit locks); a
# wrong two-factor code counts like a wrong password.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts made while locked do not extend the lock, so the minutes the page promises hold.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A right password alone does not clear the failures: the console clears the account's own
# once sign-in is complete (after the code, for two-factor logins), never the address's.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "oa_console.lockout.client_ip"  # the console's own reading of proxies
AXES_USERNAME_CALLABLE = "oa_console.lockout.attempted_username"
AXES_LOCKOUT_CALLABLE = "oa_console.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The authenticator app shows this name beside the code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="OA Console")
# Password-reset requests per hour, per address and per e-mail address.
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/h")
RATELIMIT_USE_CACHE = "default"

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
