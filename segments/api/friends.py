"""API: friends of an OA (filtered by status, follow time, search, tags and attributes), and
one friend with recent interactions."""

from __future__ import annotations

import json
import re

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.json_input import json_loads_bounded
from segments.models import AttributeDefinition, Friend, FriendStatusChange, Interaction
from segments.rules.validation import RulesInvalid
from segments.selectors import friends as selectors


class FriendOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Friend
        fields = [
            "line_user_id",
            "display_name",
            "picture_url",
            "language",
            "status_message",
            "status",
            "first_followed_at",
            "last_followed_at",
            "blocked_at",
            "times_unblocked",
            "last_interaction_at",
            "message_count",
            "profile_status",
            "erased_at",
        ]


# Query parameter a condition came from, by the key of the condition at fault.
_ATTRIBUTE_PARAMS = {"field": "attribute", "op": "attribute_op", "value": "attribute_value"}
_RULE_PATH = re.compile(r"^\$\.all\[(\d+)\](?:\.(\w+))?")


def _attribute_value(raw: str, attribute_type: str | None, op: str):
    """The filter's value as the rule language wants it: JSON when it parses (numbers,
    true/false, lists), else the text itself; a text attribute compares text even when the
    value looks like a number (``is_set`` takes true/false whatever the type)."""
    try:
        value = json_loads_bounded(raw)
    except ValueError:
        return raw
    if attribute_type == "text" and op != "is_set":
        if isinstance(value, list):
            return [item if isinstance(item, str) else json.dumps(item) for item in value]
        return value if isinstance(value, str) else raw
    return value


def friend_filter_rules(account, filters: dict) -> tuple[dict | None, list[str]]:
    """The API's tag and attribute filters as a segment rule tree (``{"all": [...]}``), and
    for each condition the query parameter it came from (to name it in errors)."""
    conditions: list[dict] = []
    sources: list[str] = []
    tags = filters.get("tag") or []
    if tags:
        conditions.append(
            {"field": "tag", "op": "has", "value": tags[0]}
            if len(tags) == 1
            else {"field": "tag", "op": "has_all", "value": tags}
        )
        sources.append("tag")
    if filters.get("tag_any"):
        conditions.append({"field": "tag", "op": "has_any", "value": filters["tag_any"]})
        sources.append("tag_any")
    key = filters.get("attribute")
    if key:
        attribute_type = (
            AttributeDefinition.objects.filter(account=account, key=key)
            .values_list("type", flat=True)
            .first()
        )
        op = filters.get("attribute_op") or "eq"
        raw = filters.get("attribute_value")
        value = (
            True
            if raw is None and op == "is_set"
            else _attribute_value(raw or "", attribute_type, op)
        )
        conditions.append({"field": f"attribute.{key}", "op": op, "value": value})
        sources.append("attribute")
    return ({"all": conditions} if conditions else None), sources


def _filter_errors(exc: RulesInvalid, sources: list[str]) -> ValidationError:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        match = _RULE_PATH.match(error.path)
        name = "non_field_errors"
        if match and int(match.group(1)) < len(sources):
            name = sources[int(match.group(1))]
            if name == "attribute":
                name = _ATTRIBUTE_PARAMS.get(match.group(2) or "", "attribute_value")
        fields.setdefault(name, []).append(error.message)
    return ValidationError(fields)


class FriendListApi(AccountApiView):
    pagination_class = StandardPagination

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Friend.Status.choices, required=False)
        followed_after = serializers.DateTimeField(required=False)
        followed_before = serializers.DateTimeField(required=False)
        search = serializers.CharField(required=False, max_length=100)
        tag = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            required=False,
            max_length=50,
            help_text="Tag id; repeat the parameter to require every one of several tags.",
        )
        tag_any = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            required=False,
            max_length=50,
            help_text="Tag id; repeat it: friends with at least one of these tags.",
        )
        attribute = serializers.CharField(
            required=False,
            max_length=40,
            help_text="Key of a custom attribute to filter on (with attribute_op, attribute_value).",
        )
        attribute_op = serializers.CharField(
            required=False,
            max_length=12,
            help_text=(
                "eq (default), ne, in, gt, gte, lt, lte, between, contains, is_set — the "
                "operators of attribute.<key> in docs/segments.md for the attribute's type."
            ),
        )
        attribute_value = serializers.CharField(
            required=False,
            max_length=2000,
            help_text=(
                'JSON for numbers, true/false and lists (in: ["a","b"], between: [1, 5]); '
                "plain text otherwise; dates as YYYY-MM-DD."
            ),
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses=FriendOutputSerializer(many=True),
        summary="List friends of an OA",
        description=operation_description(
            (
                "The OA's friends as the console knows them, most recently followed first, "
                "filtered by status, follow time (`followed_after`/`followed_before`), a "
                "`search` over display name, LINE user id or member id, tags (`tag` repeated: "
                "all of them; `tag_any`: one of them) and one custom attribute (`attribute`, "
                "`attribute_op`, `attribute_value`). Tag and attribute filters are evaluated by "
                "the segment rule compiler, the same rules as `POST segments/count/`."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of friends: LINE user id, profile (name, picture, language, status "
                "message), follow status and times, block history, last interaction and message "
                "count."
            ),
            errors=[
                (
                    400,
                    (
                        "a filter is not valid; `error.fields` names the query parameter at fault "
                        "(`tag`, `attribute_op`, `attribute_value`, ...)."
                    ),
                ),
            ],
        ),
    )
    def get(self, request, account_id: int):
        account = self.account
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = dict(filters.validated_data)
        rules, sources = friend_filter_rules(account, values)
        for name in ("tag", "tag_any", "attribute", "attribute_op", "attribute_value"):
            values.pop(name, None)
        try:
            friends = selectors.friend_list(account=account, rules=rules, **values)
        except RulesInvalid as exc:
            raise _filter_errors(exc, sources) from exc
        page = self.paginate(friends)
        return self.paginated_response(FriendOutputSerializer(page, many=True).data)


class FriendDetailApi(AccountApiView):
    class StatusChangeSerializer(serializers.ModelSerializer):
        class Meta:
            model = FriendStatusChange
            fields = ["kind", "is_unblock", "occurred_at", "mode"]

    class InteractionSerializer(serializers.ModelSerializer):
        class Meta:
            model = Interaction
            fields = [
                "kind",
                "occurred_at",
                "mode",
                "message_type",
                "message_id",
                "text",
                "data",
                "unsent_at",
                "edited_at",
            ]

    class OutputSerializer(FriendOutputSerializer):
        status_history = serializers.SerializerMethodField()
        recent_interactions = serializers.SerializerMethodField()

        class Meta(FriendOutputSerializer.Meta):
            fields = [*FriendOutputSerializer.Meta.fields, "status_history", "recent_interactions"]

        def get_status_history(self, friend) -> list[dict]:
            changes = selectors.friend_status_history(friend=friend)[:100]
            return FriendDetailApi.StatusChangeSerializer(changes, many=True).data

        def get_recent_interactions(self, friend) -> list[dict]:
            items = selectors.friend_interactions_recent(friend=friend, limit=50)
            return FriendDetailApi.InteractionSerializer(items, many=True).data

    @extend_schema(
        responses=OutputSerializer,
        summary="Get one friend with recent interactions",
        description=operation_description(
            (
                "One friend of the OA by LINE user id, with how its follow status changed "
                "(follows, blocks, unblocks) and what it last did (messages, postbacks, link "
                "clicks, ...)."
            ),
            returns=(
                "the friend's fields as in the friend list, plus `status_history` (latest 100 "
                "changes) and `recent_interactions` (latest 50)."
            ),
            errors=[(404, "the LINE user id is not a friend this OA knows.")],
        ),
    )
    def get(self, request, account_id: int, line_user_id: str):
        account = self.account
        friend = selectors.friend_get(account=account, line_user_id=line_user_id)
        if friend is None:
            raise Http404
        return Response(self.OutputSerializer(friend).data)
