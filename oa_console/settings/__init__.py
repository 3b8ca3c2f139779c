"""Settings for OA Console, read from the environment.

Every deployment difference lives in an environment variable; the defaults give a complete
embedded stack (SQLite + a filesystem Celery broker) so a newcomer can run the console with no
servers. Production (docker-compose.yml) and CI point the same variables at PostgreSQL and Redis.

The settings are composed here from one module per concern (``DJANGO_SETTINGS_MODULE`` stays
``oa_console.settings``): base, database, celery, api, security, logging. Each later module
imports the names it builds on from ``base`` (the sign-in security block extends its apps and
middleware lists in place).
"""

from oa_console.settings.api import *  # noqa: F403
from oa_console.settings.base import *  # noqa: F403
from oa_console.settings.celery import *  # noqa: F403
from oa_console.settings.database import *  # noqa: F403
from oa_console.settings.logging import *  # noqa: F403
from oa_console.settings.security import *  # noqa: F403
