"""API: a friend's personal data (JSON or CSV), and erasing it on request (admins and owners)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.roles import Capability
from segments.models import Friend
from segments.personal_data import downloads, services
from segments.personal_data.views import ERASE_WORD, confirmation_matches
from segments.selectors import friends as selectors


class FriendAlreadyErased(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "erased"
    default_detail = gettext_lazy(
        "This friend's personal data was already erased; nothing is left to read."
    )


class PersonalDataSectionOutputSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    count = serializers.IntegerField()
    records = serializers.ListField(child=serializers.DictField())


class PersonalDataDocumentOutputSerializer(serializers.Serializer):
    format_version = serializers.IntegerField()
    generated_at = serializers.DateTimeField()
    official_account = serializers.DictField()
    line_user_id = serializers.CharField()
    sections = PersonalDataSectionOutputSerializer(many=True)


class FriendEraseInputSerializer(serializers.Serializer):
    confirm = serializers.CharField(
        max_length=200,
        help_text=f"`{ERASE_WORD}` or the friend's display name, exactly: the erasure is final.",
    )


class FriendErasureOutputSerializer(serializers.Serializer):
    tombstone = serializers.CharField(source="short_hash")
    erased_at = serializers.DateTimeField()
    rows = serializers.DictField(child=serializers.IntegerField(), source="summary")


def _friend(account, line_user_id: str) -> Friend:
    friend = selectors.friend_get(account=account, line_user_id=line_user_id)
    if friend is None:
        raise Http404
    return friend


class FriendPersonalDataApi(AccountApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "output",
                str,
                enum=["json", "csv"],
                required=False,
                description="json (default, complete) or csv (one row per field of each record).",
            )
        ],
        responses={
            200: OpenApiResponse(PersonalDataDocumentOutputSerializer),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        },
        summary="Everything the console holds about one friend (admins)",
        description=operation_description(
            "A personal-data request (APPI, PDPA): the friend's profile, follow history, "
            "attributes, tags (and how each was applied), custom events, messages and other "
            "interactions, link clicks, broadcasts that reached them (A/B variant, holdout), "
            "campaign attribution, RFM scores, raw webhook events and import rows naming them. "
            "Each call is written to the audit log.",
            returns=(
                "`output=json`: `format_version`, `generated_at`, `official_account`, "
                "`line_user_id` and `sections` (`key`, `title`, `count`, `records`); "
                "`output=csv`: the same as a CSV file (data, record, field, value)."
            ),
            capability=Capability.MANAGE_PERSONAL_DATA,
            errors=[
                (400, "`output` is neither json nor csv."),
                (404, "the LINE user id is not a friend this OA knows."),
                (409, "the friend's personal data was already erased."),
            ],
        ),
    )
    def get(self, request, account_id: int, line_user_id: str):
        account = self.account
        self.require(Capability.MANAGE_PERSONAL_DATA)
        friend = _friend(account, line_user_id)
        output = request.query_params.get("output", "json")
        if output not in ("json", "csv"):
            raise ValidationError({"output": [_("Use json or csv.")]})
        if friend.erased_at is not None:
            raise FriendAlreadyErased
        document = services.friend_personal_data_export(
            account=account, friend=friend, file_format=output, request=request
        )
        name = downloads.filename(
            services.short_hash(account=account, line_user_id=friend.line_user_id), output
        )
        if output == "csv":
            return downloads.csv_download(document, name=name)
        response = Response(document)
        response["Cache-Control"] = "no-store"
        return response


class FriendEraseApi(AccountApiView):
    @extend_schema(
        request=FriendEraseInputSerializer,
        responses=FriendErasureOutputSerializer,
        summary="Erase one friend's personal data on request (admins)",
        description=operation_description(
            "Deletes or anonymises everything that identifies the friend, in every part of the "
            "console, in one transaction: profile, member data, attributes, tags, custom "
            "events, message contents, RFM scores, their id in raw webhook events, broadcast "
            "recipient lists and import reports. Rows the dashboards count (follows, blocks, "
            "messages, deliveries, clicks) stay, anonymous, so totals do not change. A tombstone "
            "(a salted hash) proves the erasure; a later event from the same LINE user starts "
            "a new friend. LINE itself still knows the friend: a LINE broadcast still reaches "
            "them until they block the OA. Final: it cannot be undone. Audited.",
            returns="`tombstone` (the short hash the audit log names), `erased_at`, and `rows` "
            "(rows deleted or anonymised per kind of data).",
            capability=Capability.MANAGE_PERSONAL_DATA,
            errors=[
                (400, f"`confirm` is not `{ERASE_WORD}` or the friend's display name."),
                (404, "the LINE user id is not a friend this OA knows."),
                (409, "the friend's personal data was already erased."),
            ],
        ),
    )
    def post(self, request, account_id: int, line_user_id: str):
        account = self.account
        self.require(Capability.MANAGE_PERSONAL_DATA)
        friend = _friend(account, line_user_id)
        body = FriendEraseInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if friend.erased_at is not None:
            raise FriendAlreadyErased
        if not confirmation_matches(friend, body.validated_data["confirm"]):
            raise ValidationError(
                {
                    "confirm": [
                        _("Type %(word)s (or the friend's display name) to confirm the erasure.")
                        % {"word": ERASE_WORD}
                    ]
                }
            )
        try:
            erasure = services.friend_erase(account=account, friend=friend, request=request)
        except services.AlreadyErased as exc:
            raise FriendAlreadyErased from exc
        return Response(FriendErasureOutputSerializer(erasure).data)
