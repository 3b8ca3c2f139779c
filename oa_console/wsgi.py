"""The WSGI application gunicorn (and ``runserver``) serve.

The fast paths apps register (``oa_console.fast_paths``; LINE's webhook POSTs, answered by the
webhooks app) come before Django's request machinery; every other request goes to Django as
usual.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oa_console.settings")
django_application = get_wsgi_application()

from oa_console.fast_paths import with_fast_paths  # noqa: E402  (apps register theirs in setup)

application = with_fast_paths(django_application)

# What startup loaded (Django, the apps and their models, and the URLconf with every view
# module, imported here rather than by the first request) lives as long as the process and is
# never garbage, yet a full collection walks all of it: in each gunicorn worker that took
# 50-130 ms, in all three at about the same moment under load (bench/inbox.py), and every
# request waited behind it. Frozen, those objects are left out of every collection.
get_resolver().url_patterns  # noqa: B018  (imports the URLconf)
gc.freeze()
