"""Factories for friends and their facts (rows created unscoped; reads need a scope)."""

import factory
from django.utils import timezone

from segments.models import Friend, Interaction
from tests.factories import LineAccountFactory, UnscopedFactory


class FriendFactory(UnscopedFactory):
    class Meta:
        model = Friend

    account = factory.SubFactory(LineAccountFactory)
    line_user_id = factory.Sequence(lambda n: "U" + f"{n + 0xABC000:032x}")
    status = Friend.Status.FOLLOWING
    first_followed_at = factory.LazyFunction(timezone.now)
    last_followed_at = factory.SelfAttribute("first_followed_at")
    display_name = factory.Sequence(lambda n: f"Friend {n}")


class InteractionFactory(UnscopedFactory):
    class Meta:
        model = Interaction

    account = factory.SelfAttribute("friend.account")
    friend = factory.SubFactory(FriendFactory)
    event_key = factory.Sequence(lambda n: f"01FACTORY{n:017d}")
    kind = Interaction.Kind.MESSAGE
    occurred_at = factory.LazyFunction(timezone.now)
    line_user_id = factory.SelfAttribute("friend.line_user_id")
    message_type = "text"
    text = "hello"
