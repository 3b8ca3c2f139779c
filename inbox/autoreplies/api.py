"""Auto-replies API, under ``/api/v1/accounts/<account_id>/``: CRUD on ``auto-replies/``, the
rule tester (``auto-replies/test/``) and ``business-hours/`` (GET/PUT).

Reads and the tester are open to agents (``agent_allowed``), as the pages are; writes need
``Capability.EDIT_AUTO_REPLIES``. A refused rule answers 400 with ``error.fields`` naming the
field (``patterns`` for a malformed or too slow regular expression).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from inbox.autoreplies import selectors, services
from inbox.autoreplies.hours import business_hours_open
from inbox.autoreplies.matching import EVENT_KINDS, AutoReplyEvent, rule_for
from inbox.models import AutoReplyRule
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability
from segments.models import Tag

EDIT = Capability.EDIT_AUTO_REPLIES


class AutoReplyRuleOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=AutoReplyRule.Kind.choices)
    match = serializers.CharField(help_text="exact, contains, regex, prefix, or empty")
    patterns = serializers.ListField(child=serializers.CharField())
    on_follow = serializers.BooleanField()
    on_refollow = serializers.BooleanField()
    priority = serializers.IntegerField()
    enabled = serializers.BooleanField()
    hand_over = serializers.BooleanField()
    messages = serializers.ListField(child=serializers.DictField())
    tag_ids = serializers.ListField(child=serializers.IntegerField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _rule(rule: AutoReplyRule) -> dict:
    return {
        "id": rule.pk,
        "name": rule.name,
        "kind": rule.kind,
        "match": rule.match,
        "patterns": rule.patterns,
        "on_follow": rule.on_follow,
        "on_refollow": rule.on_refollow,
        "priority": rule.priority,
        "enabled": rule.enabled,
        "hand_over": rule.hand_over,
        "messages": rule.messages,
        "tag_ids": sorted(tag.pk for tag in rule.tags.all()),
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
    }


class AutoReplyRuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    kind = serializers.ChoiceField(choices=AutoReplyRule.Kind.choices)
    match = serializers.ChoiceField(
        choices=AutoReplyRule.Match.choices, required=False, allow_blank=True, default=""
    )
    patterns = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list
    )
    on_follow = serializers.BooleanField(required=False, default=True)
    on_refollow = serializers.BooleanField(required=False, default=True)
    enabled = serializers.BooleanField(required=False, default=True)
    hand_over = serializers.BooleanField(required=False, default=False)
    messages = serializers.ListField(child=serializers.JSONField(), max_length=20)
    tag_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=50
    )


def _rule_input(account, data: dict) -> services.RuleInput:
    tags = list(Tag.objects.for_account(account).filter(pk__in=data["tag_ids"]))
    if len(tags) != len(set(data["tag_ids"])):
        raise DjangoValidationError({"tag_ids": [_("Unknown tag of this OA.")]})
    return services.RuleInput(
        name=data["name"],
        kind=data["kind"],
        match=data["match"],
        patterns=data["patterns"],
        on_follow=data["on_follow"],
        on_refollow=data["on_refollow"],
        enabled=data["enabled"],
        hand_over=data["hand_over"],
        messages=data["messages"],
        tags=tags,
    )


RULE_ERRORS = [
    (
        400,
        "a field is missing or refused (a malformed or too slow regular expression in "
        "`patterns`, a message LINE would refuse in `messages`, an unknown tag in "
        "`tag_ids`); `error.fields` names the field.",
    )
]


class AutoReplyListApi(AccountApiView):
    pagination_class = StandardPagination
    agent_allowed = True

    @extend_schema(
        responses=AutoReplyRuleOutputSerializer(many=True),
        summary="List auto-reply rules",
        description=operation_description(
            "The OA's auto-reply rules in priority order (the lowest `priority` first).",
            returns="a page (`count`, `next`, `previous`, `results`) of rules.",
            capability=Capability.USE_INBOX,
        ),
    )
    def get(self, request, account_id: int):
        self.require(Capability.USE_INBOX)
        rules = self.paginate(selectors.auto_reply_rule_list(account=self.account))
        return self.paginated_response([_rule(rule) for rule in rules])

    @extend_schema(
        request=AutoReplyRuleInputSerializer,
        responses={201: AutoReplyRuleOutputSerializer},
        summary="Create an auto-reply rule",
        description=operation_description(
            "Adds a rule after the others. `kind`: greeting (`on_follow`, `on_refollow`), "
            "keyword (`match` exact, contains or regex; `patterns` the keywords), postback "
            "(`match` exact or prefix; `patterns` the data), away or fallback. `messages`: 1 to "
            "5 LINE message objects; `{displayName}` in a text is the friend's name.",
            returns="201 with the rule.",
            capability=EDIT,
            errors=RULE_ERRORS,
        ),
    )
    def post(self, request, account_id: int):
        self.require(EDIT)
        data = AutoReplyRuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.auto_reply_rule_create(
            account=self.account, data=_rule_input(self.account, data.validated_data)
        )
        return Response(_rule(rule), status=status.HTTP_201_CREATED)


class AutoReplyDetailApi(AccountApiView):
    agent_allowed = True

    def _get(self, auto_reply_id: int) -> AutoReplyRule:
        rule = selectors.auto_reply_rule_get(account=self.account, rule_id=auto_reply_id)
        if rule is None:
            raise Http404
        return rule

    @extend_schema(
        responses=AutoReplyRuleOutputSerializer,
        summary="Get an auto-reply rule",
        description=operation_description(
            "One rule of the OA.",
            returns="the rule.",
            capability=Capability.USE_INBOX,
            errors=[(404, "no rule with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, auto_reply_id: int):
        self.require(Capability.USE_INBOX)
        return Response(_rule(self._get(auto_reply_id)))

    @extend_schema(
        request=AutoReplyRuleInputSerializer,
        responses=AutoReplyRuleOutputSerializer,
        summary="Replace an auto-reply rule",
        description=operation_description(
            "Replaces every field of the rule (its priority stays).",
            returns="the rule.",
            capability=EDIT,
            errors=[*RULE_ERRORS, (404, "no rule with this id in the OA.")],
        ),
    )
    def put(self, request, account_id: int, auto_reply_id: int):
        rule = self._get(auto_reply_id)
        self.require(EDIT)
        data = AutoReplyRuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.auto_reply_rule_update(
            rule=rule, data=_rule_input(self.account, data.validated_data)
        )
        return Response(_rule(rule))

    @extend_schema(
        responses={204: None},
        summary="Delete an auto-reply rule",
        description=operation_description(
            "Deletes the rule; messages it sent stay counted as auto-replies.",
            returns="204.",
            capability=EDIT,
            errors=[(404, "no rule with this id in the OA.")],
        ),
    )
    def delete(self, request, account_id: int, auto_reply_id: int):
        rule = self._get(auto_reply_id)
        self.require(EDIT)
        services.auto_reply_rule_delete(rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AutoReplyTestApi(AccountApiView):
    agent_allowed = True

    class InputSerializer(serializers.Serializer):
        event = serializers.ChoiceField(choices=EVENT_KINDS)
        text = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
        data = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
        at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "AutoReplyTest",
            {
                "rule": AutoReplyRuleOutputSerializer(allow_null=True),
                "open": serializers.BooleanField(),
            },
        ),
        summary="Which auto-reply rule would answer",
        description=operation_description(
            "The rule tester: `event` follow, refollow, message (with `text`) or postback "
            "(with `data`), at `at` (default now; decides business hours).",
            returns="`rule` (null: nobody is answered automatically) and `open` (within "
            "business hours at that time).",
            capability=Capability.USE_INBOX,
            errors=[(400, "an unknown `event` or a malformed `at`.")],
        ),
    )
    def post(self, request, account_id: int):
        self.require(Capability.USE_INBOX)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        moment = values["at"] or timezone.now()
        open_now = business_hours_open(self.account, moment)
        rule = rule_for(
            selectors.auto_reply_rules_enabled(account=self.account),
            AutoReplyEvent(values["event"], text=values["text"], data=values["data"]),
            open_now=open_now,
        )
        return Response({"rule": _rule(rule) if rule else None, "open": open_now})


class BusinessHoursApi(AccountApiView):
    agent_allowed = True

    class WindowSerializer(serializers.Serializer):
        weekday = serializers.IntegerField(help_text="0 Monday … 6 Sunday")
        start = serializers.CharField(help_text="HH:MM")
        end = serializers.CharField(help_text="HH:MM, after start; 24:00 is midnight")

    class InputSerializer(serializers.Serializer):
        windows = serializers.ListField(child=serializers.DictField(), max_length=100)
        closed_dates = serializers.ListField(
            child=serializers.CharField(max_length=20),
            required=False,
            default=list,
            max_length=1000,
        )

    def _payload(self) -> dict:
        hours = selectors.business_hours_get(account=self.account)
        return {
            "time_zone": self.account.time_zone,
            "windows": hours.windows if hours else [],
            "closed_dates": hours.closed_dates if hours else [],
        }

    @extend_schema(
        responses=inline_serializer(
            "BusinessHours",
            {
                "time_zone": serializers.CharField(),
                "windows": WindowSerializer(many=True),
                "closed_dates": serializers.ListField(child=serializers.DateField()),
            },
        ),
        summary="Get the OA's business hours",
        description=operation_description(
            "Weekly windows in the OA's time zone and closed dates. No windows: always open.",
            returns="`time_zone`, `windows` and `closed_dates`.",
            capability=Capability.USE_INBOX,
        ),
    )
    def get(self, request, account_id: int):
        self.require(Capability.USE_INBOX)
        return Response(self._payload())

    @extend_schema(
        request=InputSerializer,
        responses=inline_serializer(
            "BusinessHoursSaved",
            {
                "time_zone": serializers.CharField(),
                "windows": WindowSerializer(many=True),
                "closed_dates": serializers.ListField(child=serializers.DateField()),
            },
        ),
        summary="Replace the OA's business hours",
        description=operation_description(
            "Replaces the weekly windows and closed dates.",
            returns="the saved hours.",
            capability=EDIT,
            errors=[(400, "a malformed window or date; `error.fields` names the field.")],
        ),
    )
    def put(self, request, account_id: int):
        self.require(EDIT)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.business_hours_save(
            account=self.account,
            windows=data.validated_data["windows"],
            closed_dates=data.validated_data["closed_dates"],
        )
        return Response(self._payload())
