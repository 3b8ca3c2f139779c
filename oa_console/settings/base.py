"""The console's foundation: environment, apps, middleware, templates, languages, files, mail,
secrets and the LINE host. The other settings modules build on the names defined here.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

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
    "coupons",
    "liff_forms",
    "richmenus",
    "broadcasts",
    "journeys",
    "inbox",
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
# this, or an archive inside the zip is refused while streaming (insights/imports/archives.py).
INSIGHT_IMPORT_MAX_ZIP_RATIO = env.int("INSIGHT_IMPORT_MAX_ZIP_RATIO", default=100)
INSIGHT_IMPORT_MAX_ZIP_MEMBERS = env.int("INSIGHT_IMPORT_MAX_ZIP_MEMBERS", default=10_000)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Friends' chat media (inbox.services.media): encrypted files under their own location, never
# served by URL (only through the inbox's member-checked view); larger content is not kept.
STORAGES["chat_media"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(MEDIA_ROOT / "chat-media")},
}
CHAT_MEDIA_MAX_BYTES = env.int("CHAT_MEDIA_MAX_BYTES", default=25 * 1024 * 1024)
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
# Journeys' waits are multiplied by this (journeys.engine.nodes.base.scaled). The embedded demo
# shortens them, so that a cart abandoned from its button is reminded within a minute (1 hour
# becomes 30 seconds); everywhere else a wait lasts what the journey says.
JOURNEYS_WAIT_SCALE = env.float(
    "JOURNEYS_WAIT_SCALE", default=1 / 120 if BROADCASTS_SIMULATED_LINE else 1.0
)
# Friends reaching a journey's send node with the same messages in the same minute go as one
# multicast: a group is sent once no friend has joined it for this many seconds (or it has 500,
# or its minute ends), so friends of consecutive runner batches share a call; a lone friend's
# push waits this long at most (journeys.engine.sending.planning).
JOURNEYS_MULTICAST_WINDOW_SECONDS = env.float("JOURNEYS_MULTICAST_WINDOW_SECONDS", default=3.0)
# A journey's webhook step may call private and loopback addresses (a brand's service on the
# same network) only when this is on; off in production, so a journey cannot probe the
# console's own network.
JOURNEYS_WEBHOOK_ALLOW_PRIVATE = env.bool("JOURNEYS_WEBHOOK_ALLOW_PRIVATE", default=DEBUG)
