"""API: test sends of a broadcast, and the caller's own LINE account as a test recipient.

A test goes to a friend of the OA (``{"friend": "<LINE user id>"}``, found with
``GET …/friends/?search=<name>&status=following``) or to the caller's own LINE account
(``{"to": "me"}``), linked once by sending the OA the one-time code of
``POST …/broadcasts/test-recipient/code/`` from their phone (``segments.friend_links``).
Linking belongs to a person: an API key, which acts for a workspace, cannot link or send to "me".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from broadcasts.api.common import BroadcastApi
from broadcasts.services import sending
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.models import User
from oa_console.roles import Capability
from segments.selectors import friend_links as friend_link_selectors
from segments.selectors.friends import friend_get
from segments.services import friend_links

NO_PERSON = (
    400,
    "the caller is an API key: linking a LINE account belongs to a signed-in person.",
)


def _person(request) -> User:
    if not isinstance(request.user, User):
        raise ValidationError(
            _("An API key acts for the workspace, not a person: sign in to link your LINE account.")
        )
    return request.user


class TestSendSerializer(serializers.Serializer):
    friend = serializers.CharField(
        required=False,
        max_length=64,
        help_text="LINE user id of a friend of the OA (GET …/friends/?search= finds one by name).",
    )
    to = serializers.ChoiceField(
        choices=["me"], required=False, help_text='"me": the caller\'s linked LINE account.'
    )

    def validate(self, data):
        if ("friend" in data) == ("to" in data):
            raise ValidationError(_('Send either {"friend": "<LINE user id>"} or {"to": "me"}.'))
        return data


class TestSendOutputSerializer(serializers.Serializer):
    request_id = serializers.CharField()
    to = serializers.CharField(help_text="LINE user id the test was pushed to.")


@extend_schema(
    request=TestSendSerializer,
    responses={202: TestSendOutputSerializer},
    summary="Send a test to a friend or to me",
    description=operation_description(
        "Pushes the broadcast to one friend of the OA to see it on a phone before it goes out: "
        '`{"friend": "<LINE user id>"}` (find one by name with '
        '`GET …/friends/?search=<name>&status=following`), or `{"to": "me"}` for the '
        "caller's own LINE account once linked (`POST …/broadcasts/test-recipient/code/`). An "
        "A/B broadcast sends each variant, in order. Links are not tracked and nothing is "
        "counted: a test is not part of the results.",
        returns="202 with LINE's `request_id` of the push and the LINE user id it went to.",
        capability=Capability.DRAFT_BROADCASTS,
        errors=[
            (
                400,
                'neither or both of `friend` and `to`; `to: "me"` from an API key or before the '
                "caller linked a LINE account; LINE refused the push or the rate limit is "
                "reached (the message says why).",
            ),
            (404, "no broadcast with this id in the OA, or `friend` is not a friend of the OA."),
        ],
    ),
)
class BroadcastTestSendApi(BroadcastApi):
    def post(self, request, account_id: int, broadcast_id: int):
        broadcast, data = self.changing(
            broadcast_id, Capability.DRAFT_BROADCASTS, TestSendSerializer
        )
        account = broadcast.account
        if "friend" in data:
            field = "friend"
            friend = friend_get(account=account, line_user_id=data["friend"])
            if friend is None:
                raise Http404
        else:
            field = "to"
            link = friend_link_selectors.friend_link_get(account=account, user=_person(request))
            if link is None:
                raise ValidationError(
                    {
                        "to": [
                            _(
                                "Link your LINE account first: send the OA the code of "
                                "POST …/broadcasts/test-recipient/code/ from your phone."
                            )
                        ]
                    }
                )
            friend = link.friend
        try:
            request_id = sending.broadcast_send_test(
                account=account, broadcast=broadcast, line_user_id=friend.line_user_id
            )
        except DjangoValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
        return Response(
            {"request_id": request_id, "to": friend.line_user_id}, status=status.HTTP_202_ACCEPTED
        )


class TestRecipientFriendSerializer(serializers.Serializer):
    line_user_id = serializers.CharField()
    display_name = serializers.CharField()
    status = serializers.CharField()


class TestRecipientCodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="What to send to the OA, e.g. K7MQ-2XDA.")
    expires_at = serializers.DateTimeField()


class TestRecipientOutputSerializer(serializers.Serializer):
    linked = serializers.BooleanField()
    friend = TestRecipientFriendSerializer(allow_null=True)
    linked_at = serializers.DateTimeField(allow_null=True)
    code = TestRecipientCodeSerializer(allow_null=True)


def _code_out(code) -> dict | None:
    if code is None:
        return None
    return {"code": friend_links.code_display(code.code), "expires_at": code.expires_at}


class TestRecipientApi(AccountApiView):
    @extend_schema(
        responses=TestRecipientOutputSerializer,
        summary="My LINE account as a test recipient of this OA",
        description=operation_description(
            "Whether the caller's own LINE account is linked to this OA as the recipient of "
            '`{"to": "me"}` test sends, and the one-time code waiting to be sent from their '
            "phone, if any. Poll it after asking for a code: `linked` turns true when the OA "
            "receives the code.",
            returns="`linked`, the linked `friend` (LINE user id, name, status) and `linked_at`, "
            "and the open `code` with its `expires_at` (null when none).",
            errors=[NO_PERSON],
        ),
    )
    def get(self, request, account_id: int):
        account = self.account
        user = _person(request)
        link = friend_link_selectors.friend_link_get(account=account, user=user)
        code = friend_link_selectors.friend_link_code_open(account=account, user=user)
        return Response(
            TestRecipientOutputSerializer(
                {
                    "linked": link is not None,
                    "friend": link.friend if link else None,
                    "linked_at": link.linked_at if link else None,
                    "code": _code_out(code),
                }
            ).data
        )

    @extend_schema(
        responses={204: None},
        summary="Unlink my LINE account from this OA",
        description=operation_description(
            'Forgets which friend the caller\'s LINE account is; `{"to": "me"}` tests then need '
            "a new code. The friend itself stays.",
            returns="204 with no body.",
            capability=Capability.DRAFT_BROADCASTS,
            errors=[NO_PERSON, (404, "the caller has no LINE account linked to this OA.")],
        ),
    )
    def delete(self, request, account_id: int):
        account = self.account
        self.require(Capability.DRAFT_BROADCASTS)
        if not friend_links.friend_link_delete(account=account, user=_person(request)):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class TestRecipientCodeApi(AccountApiView):
    @extend_schema(
        request=None,
        responses={201: TestRecipientCodeSerializer},
        summary="Get a one-time code to link my LINE account",
        description=operation_description(
            "Issues a one-time code for the caller and this OA (8 characters, valid 10 minutes, "
            "used once; an earlier open code of theirs stops working). Sending it to the OA "
            "in LINE from their phone links that LINE account, so test sends can go to "
            '`{"to": "me"}`.',
            returns="201 with the `code` to send and its `expires_at`.",
            capability=Capability.DRAFT_BROADCASTS,
            errors=[NO_PERSON],
        ),
    )
    def post(self, request, account_id: int):
        account = self.account
        self.require(Capability.DRAFT_BROADCASTS)
        code = friend_links.friend_link_code_issue(account=account, user=_person(request))
        return Response(_code_out(code), status=status.HTTP_201_CREATED)
