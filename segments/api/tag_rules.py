"""API: auto-tag rules of an OA (CRUD, with how many friends each tagged) and applying a rule
to past events as a job whose progress can be polled."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability
from segments.models import TagRule, TagRuleBackfill
from segments.selectors import tags as tag_selectors
from segments.services import tag_rules


class TagRuleOutputSerializer(serializers.ModelSerializer):
    tag_id = serializers.IntegerField(read_only=True)
    tag = serializers.CharField(source="tag.name", read_only=True)
    friends_tagged = serializers.SerializerMethodField()

    class Meta:
        model = TagRule
        fields = [
            "id",
            "tag_id",
            "tag",
            "kind",
            "match",
            "pattern",
            "property_key",
            "property_value",
            "is_active",
            "friends_tagged",
            "last_backfilled_at",
            "created_at",
        ]

    def get_friends_tagged(self, rule) -> int:
        return self.context["counts"].get(rule.pk, 0)


class TagRuleBackfillOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = TagRuleBackfill
        fields = [
            "id",
            "status",
            "total",
            "processed",
            "tagged",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class TagRuleInputSerializer(serializers.Serializer):
    tag_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TagRule.Kind.choices)
    match = serializers.ChoiceField(choices=TagRule.Match.choices, default=TagRule.Match.EXACT)
    pattern = serializers.CharField(max_length=200)
    property_key = serializers.CharField(max_length=64, required=False, allow_blank=True)
    property_value = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


def _tag_or_error(account, tag_id: int):
    tag = tag_selectors.tag_get(account=account, tag_id=tag_id)
    if tag is None:
        raise DjangoValidationError({"tag_id": [_("Unknown tag.")]})
    return tag


def _output(account, rule) -> dict:
    counts = tag_rules.tag_rule_counts(account=account)
    return TagRuleOutputSerializer(rule, context={"counts": counts}).data


def _service_field_errors(exc: DjangoValidationError) -> ValidationError:
    """The services name the tag ``tag``; the API calls it ``tag_id``."""
    if hasattr(exc, "error_dict") and "tag" in exc.message_dict:
        messages = exc.message_dict
        messages["tag_id"] = messages.pop("tag")
        return ValidationError(messages)
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class TagRuleListApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=TagRuleOutputSerializer(many=True),
        summary="Auto-tag rules with the friends each tagged (paginated)",
        description=operation_description(
            (
                "The OA's auto-tag rules: each gives a tag to friends when an event matches (a "
                "postback, a keyword in a message, an add-friend source, a custom event, a "
                "tracked link click)."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of rules: id, tag, kind, match, pattern, property filter, whether it is "
                "active, `friends_tagged` and when it was last applied to past events."
            ),
        ),
    )
    def get(self, request, account_id: int):
        account = self.account
        page = self.paginate(tag_selectors.tag_rule_list(account=account))
        counts = tag_rules.tag_rule_counts(account=account)
        return self.paginated_response(
            TagRuleOutputSerializer(page, many=True, context={"counts": counts}).data
        )

    @extend_schema(
        request=TagRuleInputSerializer,
        responses={201: TagRuleOutputSerializer},
        summary="Create an auto-tag rule (it tags from new events on)",
        description=operation_description(
            (
                "Creates a rule that tags friends from new events on. kind: `postback` "
                "(postback data), `keyword` (text of a received message), `add_source` (the "
                "friend's add-friend source), `custom_event` (event name, optionally with "
                "`property_key` = `property_value`), `link_click` (the destination URL of a "
                "tracked link of a broadcast or a journey the friend clicked; only clicks on "
                "messages sent to each friend individually name the friend). match: `exact` or "
                "`contains` "
                "(case-insensitive). Apply it to past events with `POST "
                "…/tag-rules/{rule_id}/backfill/`."
            ),
            returns="201 with the new rule (`friends_tagged` 0).",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "a field is not valid for the kind, or `tag_id` is not a tag of this OA; "
                        "`error.fields` names the field."
                    ),
                )
            ],
        ),
    )
    def post(self, request, account_id: int):
        account = self.account
        self.require(Capability.EDIT_SEGMENTS)
        data = TagRuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        tag = _tag_or_error(account, values.pop("tag_id"))
        is_active = values.pop("is_active", True)
        try:
            rule = tag_rules.tag_rule_create(account=account, tag=tag, **values)
            if not is_active:
                tag_rules.tag_rule_set_active(rule=rule, is_active=False)
        except DjangoValidationError as exc:
            raise _service_field_errors(exc) from exc
        return Response(_output(account, rule), status=status.HTTP_201_CREATED)


class TagRuleDetailApi(AccountApiView):
    class UpdateSerializer(TagRuleInputSerializer):
        tag_id = serializers.IntegerField(required=False)
        kind = serializers.ChoiceField(choices=TagRule.Kind.choices, required=False)
        match = serializers.ChoiceField(choices=TagRule.Match.choices, required=False)
        pattern = serializers.CharField(max_length=200, required=False)

    def _rule(self, account_id, rule_id):
        account = self.account
        rule = tag_selectors.tag_rule_get(account=account, rule_id=rule_id)
        if rule is None:
            raise Http404
        return account, rule

    @extend_schema(
        responses=TagRuleOutputSerializer,
        summary="Get an auto-tag rule",
        description=operation_description(
            ("One auto-tag rule of the OA by id."),
            returns="the rule with its tag and how many friends it tagged.",
            errors=[(404, "no auto-tag rule with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, rule_id: int):
        account, rule = self._rule(account_id, rule_id)
        return Response(_output(account, rule))

    @extend_schema(
        request=UpdateSerializer,
        responses=TagRuleOutputSerializer,
        summary="Change an auto-tag rule (pause it with is_active: false)",
        description=operation_description(
            (
                "Changes any field of a rule; `is_active: false` pauses it and `true` resumes "
                "it. Friends it already tagged keep the tag."
            ),
            returns="the updated rule.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (400, "a field is not valid for the kind, or `tag_id` is not a tag of this OA."),
                (404, "no auto-tag rule with this id in the OA."),
            ],
        ),
    )
    def patch(self, request, account_id: int, rule_id: int):
        account, rule = self._rule(account_id, rule_id)
        self.require(Capability.EDIT_SEGMENTS)
        data = self.UpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "tag_id" in changes:
            changes["tag"] = _tag_or_error(account, changes.pop("tag_id"))
        try:
            rule = tag_rules.tag_rule_update(rule=rule, **changes)
        except DjangoValidationError as exc:
            raise _service_field_errors(exc) from exc
        return Response(_output(account, rule))

    @extend_schema(
        responses={204: None},
        summary="Delete an auto-tag rule (friends keep its tags)",
        description=operation_description(
            ("Deletes a rule; no new event tags through it. Friends it tagged keep the tag."),
            returns="204 with no body.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[(404, "no auto-tag rule with this id in the OA.")],
        ),
    )
    def delete(self, request, account_id: int, rule_id: int):
        _account, rule = self._rule(account_id, rule_id)
        self.require(Capability.EDIT_SEGMENTS)
        tag_rules.tag_rule_delete(rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TagRuleBackfillApi(AccountApiView):
    def _rule(self, account_id, rule_id):
        account = self.account
        rule = tag_selectors.tag_rule_get(account=account, rule_id=rule_id)
        if rule is None:
            raise Http404
        return rule

    @extend_schema(
        responses=TagRuleBackfillOutputSerializer,
        summary="The latest run of a rule over past events (poll it until done)",
        description=operation_description(
            (
                "The most recent run of this rule over the OA's stored events, to poll after "
                "starting one."
            ),
            returns=(
                "the run: status (`queued`, `running`, `done`, `failed`), `total` and "
                "`processed` stored events, `tagged` (friends newly tagged), error and times."
            ),
            errors=[
                (
                    404,
                    (
                        "no auto-tag rule with this id in the OA, or the rule was never run over past "
                        "events."
                    ),
                )
            ],
        ),
    )
    def get(self, request, account_id: int, rule_id: int):
        job = tag_rules.tag_rule_backfill_latest(rule=self._rule(account_id, rule_id))
        if job is None:
            raise Http404
        return Response(TagRuleBackfillOutputSerializer(job).data)

    @extend_schema(
        request=None,
        responses={202: TagRuleBackfillOutputSerializer, 200: TagRuleBackfillOutputSerializer},
        summary="Apply a rule to past events",
        description=operation_description(
            (
                "Starts a run of the rule over the OA's stored events, so friends who matched "
                "before the rule existed get the tag too. Queues a run and answers 202 with it; "
                "a run already waiting or going is answered with 200 instead of starting a "
                "second one. Poll GET on the same URL: `total` and `processed` count the stored "
                "events checked; `tagged`, the friends newly tagged."
            ),
            returns="202 with the queued run, or 200 with the run already waiting or going.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[(404, "no auto-tag rule with this id in the OA.")],
        ),
    )
    def post(self, request, account_id: int, rule_id: int):
        rule = self._rule(account_id, rule_id)
        self.require(Capability.EDIT_SEGMENTS)
        job, created = tag_rules.tag_rule_backfill_request(rule=rule)
        return Response(
            TagRuleBackfillOutputSerializer(job).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )
