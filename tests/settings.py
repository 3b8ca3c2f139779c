"""Settings for the test suite: production settings plus fixed keys.

The real settings module is loaded after these environment defaults, so tests run the same code
paths as production (secrets really are encrypted, SECRET_KEY is required).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# A fixed Fernet key so secrets are really encrypted, as in production.
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "n2o8b1kCkzQzX4YVd1s8y2fT6qk3w9u7mZJpLr0aH5E=")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
os.environ.setdefault(
    "OA_CONSOLE_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)

from oa_console.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Password-reset request counters (django-ratelimit) in a cache of their own, emptied before
# each test (tests/conftest.py), so one test's requests never use up another's allowance.
CACHES["ratelimit"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}  # noqa: F405
RATELIMIT_USE_CACHE = "ratelimit"
# One auto-reply after another in tests: a sending thread's own connection would not see the
# test's transaction. The threads are tested with committed rows (test_auto_reply_threads.py).
INBOX_AUTO_REPLY_CONCURRENCY = 1
