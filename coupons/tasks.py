"""Celery entry points of coupons."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coupons import services

logger = logging.getLogger(__name__)


@shared_task
def sync_coupons_all() -> int:
    """Scheduled by beat: read every OA's coupons from LINE, so coupons created in LINE
    Official Account Manager (and closed there) show in the console. An OA LINE refuses or
    does not answer is tried again at the next run; its page keeps the last good read."""
    synced = 0
    for account in services.coupon_sync_accounts():
        try:
            services.coupons_sync(account=account)
        except ValidationError as exc:  # kept for the coupons page by the service
            logger.warning("coupon sync of OA %s failed: %s", account.pk, exc.messages)
            continue
        except Exception:  # one OA's unreadable answer must not stop the others' sync
            logger.exception("coupon sync of OA %s failed", account.pk)
            services.coupon_sync_note(
                account=account,
                error=_("LINE's answer could not be read; the next hourly read tries again."),
            )
            continue
        synced += 1
    return synced
