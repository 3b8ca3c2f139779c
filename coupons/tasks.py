"""Celery entry points of coupons."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.exceptions import ValidationError

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
        except ValidationError as exc:
            logger.warning("coupon sync of OA %s failed: %s", account.pk, exc.messages)
            continue
        except Exception:  # one OA's unreadable answer must not stop the others' sync
            logger.exception("coupon sync of OA %s failed", account.pk)
            continue
        synced += 1
    return synced
