from django.apps import AppConfig

from oa_console.activity.registry import FROM_BEGINNING, register
from segments.registries.message_receipts import register_message_receipts
from segments.registries.past_link_clicks import register_past_link_clicks


class JourneysConfig(AppConfig):
    name = "journeys"

    def ready(self) -> None:
        # Coupons' figures count the coupon messages journeys sent (coupons.sent).
        from journeys import coupon_counts

        coupon_counts.register()

        # The activity hub: a friend's activity enrols them (triggers), and wakes their
        # enrolments waiting for an event and counts goals (waits). From the log's beginning,
        # so nothing published between a deploy and the first drain is missed (journeys did
        # not exist before, so the past enrols nobody).
        from journeys.engine import nodes, triggers, waits  # noqa: F401 (registers executors)

        register(
            triggers.SUBSCRIBER,
            triggers.KINDS,
            triggers.journeys_trigger_react,
            start=FROM_BEGINNING,
        )
        register(waits.SUBSCRIBER, waits.KINDS, waits.journeys_waits_react, start=FROM_BEGINNING)

        # Journeys' sent messages count towards the OA's frequency cap, with broadcasts'.
        from journeys.engine.receipts import journey_message_receipts

        register_message_receipts("journeys", journey_message_receipts)

        # "Clicked a link" tag rules' backfills read journeys' clicks with broadcasts'.
        from journeys.services.clicks import journey_clicks_of_friends

        register_past_link_clicks("journeys", journey_clicks_of_friends)

        # The friend page's journey timeline, the personal-data export and erasure, and the
        # demo's journeys (seed_demo): each registers into the registry its lower app owns.
        from journeys.demo import register_demo
        from journeys.personal_data import register_personal_data
        from journeys.views.friend_panel import register_friend_panel

        register_friend_panel()
        register_personal_data()
        register_demo()
