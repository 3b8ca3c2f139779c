"""The WSGI application gunicorn (and ``runserver``) serve.

LINE's webhook POSTs are answered by ``webhooks.wsgi.WebhookFastPath`` before Django's request
machinery; every other request goes to Django as usual.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oa_console.settings")
django_application = get_wsgi_application()

from webhooks.wsgi import WebhookFastPath  # noqa: E402  (needs the app registry loaded above)

application = WebhookFastPath(django_application)
