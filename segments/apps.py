from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "segments"

    def ready(self) -> None:
        # Member data and orders are types of the Imports page (insights.services.kinds).
        from insights.services.kinds import register_kind
        from segments.member_import import MemberDataKind
        from segments.order_import import OrdersKind

        register_kind(MemberDataKind())
        register_kind(OrdersKind())
