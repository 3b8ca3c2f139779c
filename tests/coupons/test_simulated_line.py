"""The embedded demo's simulated LINE answers the Coupon API through HTTP and the SDK, as
"Create", "Sync from LINE" and "Close" do in the running demo (``make run``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import path

from broadcasts import simulated_line
from coupons import services
from coupons.models import Coupon
from tests.coupons.helpers import coupon_input

urlpatterns = [path("simulated-line/<path:path>", simulated_line.simulated_line)]


@pytest.mark.django_db(transaction=True)
def test_demo_creates_syncs_and_closes_coupons_without_error(account, live_server, settings):
    settings.DEBUG = True
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.PUBLIC_BASE_URL = live_server.url
    # The root URLconf adds the simulator only when the setting is on as it loads.
    settings.ROOT_URLCONF = __name__

    coupon = services.coupon_create(
        account=account,
        data=coupon_input(acquisition="lottery", lottery_probability=25, max_acquire_count=100),
    )
    assert coupon.line_coupon_id.startswith("SIM_")
    bad = coupon_input()
    with pytest.raises(ValidationError) as error:
        services.coupon_create(account=account, data=coupon_input(ends_at=bad.starts_at))
    assert "ends_at" in error.value.message_dict

    assert services.coupons_sync(account=account) == services.SyncResult(0, 0)

    services.coupon_close(coupon=coupon)
    coupon.refresh_from_db()
    assert coupon.status == Coupon.Status.CLOSED
