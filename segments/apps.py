from django.apps import AppConfig

from oa_console.activity.registry import FROM_BEGINNING, register


class SegmentsConfig(AppConfig):
    name = "segments"

    def ready(self) -> None:
        # Member data and orders are types of the Imports page (insights.services.kinds).
        from insights.services.kinds import register_kind
        from segments.member_import import MemberDataKind
        from segments.order_import import OrdersKind

        register_kind(MemberDataKind())
        register_kind(OrdersKind())

        # A newly connected OA reads LINE's follower list at once.
        from oa_console.services import on_account_connected
        from segments.followers import follower_sync_on_connect

        on_account_connected(follower_sync_on_connect)

        # Personal-data requests: segments' own part (the friend row goes last).
        from segments.personal_data.registry import register_provider
        from segments.personal_data.segments_provider import PROVIDER

        register_provider(PROVIDER)

        # The activity hub's subscribers: auto-tag rules and one-time link codes react to
        # friends' activity (from the log's beginning: it starts empty when the hub is deployed).
        from segments import friend_links, tag_rule_reactions

        register(
            tag_rule_reactions.SUBSCRIBER,
            tag_rule_reactions.KINDS,
            tag_rule_reactions.tag_rules_react,
            start=FROM_BEGINNING,
        )
        register(
            friend_links.SUBSCRIBER,
            friend_links.KINDS,
            friend_links.friend_link_codes_react,
            start=FROM_BEGINNING,
        )
