from django.apps import AppConfig

from oa_console.demo import register_demo_step
from segments.registries.message_receipts import register_message_receipts
from segments.registries.past_link_clicks import register_past_link_clicks


class BroadcastsConfig(AppConfig):
    name = "broadcasts"

    def ready(self) -> None:
        # Coupons' figures count the coupon messages broadcasts sent (coupons.sent).
        from broadcasts import coupon_counts

        coupon_counts.register()

        # Segment fields about deliveries and clicks join segments' rules (segments/rules).
        from broadcasts.segment_fields import register_segment_fields

        register_segment_fields()

        # Personal-data requests: deliveries, held-back rows and clicks of a friend.
        from broadcasts.personal_data import PROVIDER
        from segments.personal_data.registry import register_provider

        register_provider(PROVIDER)

        # "Clicked a link" tag rules' backfills read the clicks broadcasts stores.
        from broadcasts.services.clicks import clicks_of_friends

        register_past_link_clicks("broadcasts", clicks_of_friends)

        # The OA's frequency cap (segments' sending rules) counts the broadcasts friends got,
        # together with what other apps (journeys) sent them.
        from broadcasts.models import delivered_receipts

        register_message_receipts("broadcasts", delivered_receipts)

        # The composer and a broadcast's page preview the marketer's images, which LINE takes
        # from any public https host: those pages widen the console's image policy to https:.
        from oa_console.security import allow_remote_images

        allow_remote_images(
            "broadcast_new",
            "broadcast_edit",
            "broadcast_detail",
            # Actions that answer a refused form with the broadcast's page again.
            "broadcast_submit",
            "broadcast_approve",
            "broadcast_reject",
            "broadcast_schedule",
            "broadcast_cancel",
            "broadcast_test",
            "broadcast_send_winner",
            "broadcast_reschedule",
        )
        # The audit log reads a broadcast entry's coded details in the reader's language.
        from django.utils.translation import gettext_lazy as _

        from broadcasts.models import Broadcast
        from oa_console.audit.display import register_detail

        audiences = dict(Broadcast.AudienceKind.choices)
        statuses = dict(Broadcast.Status.choices)
        register_detail("audience", _("Audience"), lambda code: str(audiences.get(code, code)))
        register_detail("outcome", _("Outcome"), lambda code: str(statuses.get(code, code)))
        register_detail("status", _("Status before"), lambda code: str(statuses.get(code, code)))
        register_detail("send_at", _("Scheduled for"))

        # The demo: broadcasts to the CRM's friends and segments.
        from broadcasts.demo import seed_broadcasts

        register_demo_step(40, seed_broadcasts)
