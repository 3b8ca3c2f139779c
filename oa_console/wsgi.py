"""The WSGI application gunicorn (and ``runserver``) serve.

The fast paths apps register (``oa_console.fast_paths``; LINE's webhook POSTs, answered by the
webhooks app) come before Django's request machinery; every other request goes to Django as
usual.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oa_console.settings")
django_application = get_wsgi_application()

from oa_console.fast_paths import with_fast_paths  # noqa: E402  (apps register theirs in setup)

application = with_fast_paths(django_application)
