"""Webhook signing secrets of an OA, named by webhook nodes' ``secret_ref``.

Only admins and owners manage them: a secret lets whoever holds it forge the OA's requests.
The value is never returned or audited, only its name.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from journeys.models import WebhookSecret
from journeys.services.access import ACTIVATE, require_role
from journeys.services.errors import JourneyError
from oa_console import audit
from oa_console.models import AuditAction, LineAccount, User

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SECRET_MIN, SECRET_MAX = 16, 512


@transaction.atomic
def webhook_secret_create(
    *, account: LineAccount, name: str, secret: str, user: User | None, request=None
) -> WebhookSecret:
    require_role(account=account, user=user, minimum=ACTIVATE)
    name = (name or "").strip()
    if not NAME_PATTERN.match(name):
        raise JourneyError(
            _(
                "Name the secret with lower-case letters, digits and underscores, starting "
                "with a letter (at most 40)."
            ),
            "secret_name",
        )
    secret = secret or ""
    if not SECRET_MIN <= len(secret) <= SECRET_MAX:
        raise JourneyError(
            _("A secret needs %(min)s to %(max)s characters.")
            % {"min": SECRET_MIN, "max": SECRET_MAX},
            "secret_length",
        )
    secrets = WebhookSecret.objects.for_account(account)
    if secrets.filter(name=name).exists():
        raise JourneyError(_("The OA already has a secret with this name."), "secret_exists")
    created = secrets.create(account=account, name=name, secret=secret)
    audit.record_on_object(
        AuditAction.WEBHOOK_SECRET_CREATED, created, request=request, acting_user=user
    )
    return created


@transaction.atomic
def webhook_secret_delete(
    *, account: LineAccount, secret: WebhookSecret, user: User | None, request=None
) -> None:
    require_role(account=account, user=user, minimum=ACTIVATE)
    secret = WebhookSecret.objects.for_account(account).select_for_update().get(pk=secret.pk)
    audit.record_on_object(
        AuditAction.WEBHOOK_SECRET_DELETED, secret, request=request, acting_user=user
    )
    secret.delete()
