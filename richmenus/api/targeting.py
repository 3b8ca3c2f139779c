"""Rich menu targeting API, under ``/api/v1/accounts/<account_id>/rich-menus/``: CRUD on
``segment-rules/`` (segment and tag menu rules), starting an assignment to everyone and reading
its progress (``segment-rules/assignments/``), and the taps (``taps/``).

Reads need ``READ_ALL_PAGES``; writes ``EDIT_SEGMENTS``, as the rules page. A refused rule
answers 400 with ``error.fields`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability
from richmenus.models import RichMenuAssignment, RichMenuRule
from richmenus.selectors.taps import PERIODS, tap_period, taps_per_area, taps_per_day
from richmenus.selectors.targeting import (
    rich_menu_assignment_get,
    rich_menu_rule_get,
    rich_menu_rule_list,
)
from richmenus.services.targeting import (
    MAX_PRIORITY,
    rich_menu_rule_create,
    rich_menu_rule_delete,
    rich_menu_rule_update,
)
from richmenus.services.targeting_assignment import rich_menu_assignment_start

READ = Capability.READ_ALL_PAGES
EDIT = Capability.EDIT_SEGMENTS
MISSING = (404, "no rule with this id in the OA.")
RULE_ERRORS = [
    (
        400,
        "a field is missing or refused (a segment, tag or menu that is not the OA's, a menu "
        "not published, a priority out of 1-1000); `error.fields` names the field.",
    )
]


class RuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RichMenuRule.Kind.choices)
    segment_id = serializers.IntegerField(allow_null=True)
    tag_id = serializers.IntegerField(allow_null=True)
    menu_id = serializers.IntegerField()
    priority = serializers.IntegerField()
    is_active = serializers.BooleanField()
    friends_linked = serializers.IntegerField(help_text="friends whose menu this rule set")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RuleInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RichMenuRule.Kind.choices)
    segment_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    tag_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    menu_id = serializers.IntegerField()
    priority = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=MAX_PRIORITY
    )
    is_active = serializers.BooleanField(required=False, default=True)


class AssignmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RichMenuAssignment.Status.choices)
    total = serializers.IntegerField(help_text="friends whose menu changes")
    done = serializers.IntegerField()
    percent = serializers.IntegerField()
    calls = serializers.IntegerField(help_text="LINE calls accepted so far")
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


def _rule(rule: RichMenuRule) -> dict:
    return {
        "id": rule.pk,
        "kind": rule.kind,
        "segment_id": rule.segment_id,
        "tag_id": rule.tag_id,
        "menu_id": rule.menu_id,
        "priority": rule.priority,
        "is_active": rule.is_active,
        "friends_linked": getattr(rule, "linked", 0),
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
    }


def _assignment(run: RichMenuAssignment) -> dict:
    fields = ("id", "status", "total", "done", "percent", "calls", "error")
    times = ("created_at", "started_at", "finished_at")
    return {name: getattr(run, name) for name in (*fields, *times)}


class SegmentRuleListApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=RuleOutput(many=True),
        summary="List rich menu rules",
        description=operation_description(
            "Segment menu rules (by priority: among the segments a friend is in, the lowest "
            "`priority` wins) then tag menu rules (when the tag is added, the friend gets the "
            "menu; it stays until the segment menus are next applied to everyone).",
            returns="a page (`count`, `next`, `previous`, `results`) of rules.",
            capability=READ,
        ),
    )
    def get(self, request, account_id: int):
        self.require(READ)
        rules = self.paginate(rich_menu_rule_list(account=self.account))
        return self.paginated_response([_rule(rule) for rule in rules])

    @extend_schema(
        request=RuleInput,
        responses={201: RuleOutput},
        summary="Create a rich menu rule",
        description=operation_description(
            "`kind` segment (with `segment_id` and `priority`) or tag (with `tag_id`); "
            "`menu_id` a published rich menu of the OA. A new segment rule applies to friends "
            "whose segments change from now on; start an assignment to apply it to everyone.",
            returns="201 with the rule.",
            capability=EDIT,
            errors=RULE_ERRORS,
        ),
    )
    def post(self, request, account_id: int):
        self.require(EDIT)
        data = RuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        rule = rich_menu_rule_create(account=self.account, **data.validated_data)
        return Response(
            _rule(rich_menu_rule_get(account=self.account, rule_id=rule.pk)),
            status=status.HTTP_201_CREATED,
        )


class SegmentRuleDetailApi(AccountApiView):
    def _get(self, rule_id: int) -> RichMenuRule:
        rule = rich_menu_rule_get(account=self.account, rule_id=rule_id)
        if rule is None:
            raise Http404
        return rule

    @extend_schema(
        responses=RuleOutput,
        summary="Get a rich menu rule",
        description=operation_description(
            "One segment or tag menu rule of the OA: its kind, menu, segment or tag, and priority.",
            returns="the rule.",
            capability=READ,
            errors=[MISSING],
        ),
    )
    def get(self, request, account_id: int, menu_rule_id: int):
        self.require(READ)
        return Response(_rule(self._get(menu_rule_id)))

    @extend_schema(
        request=RuleInput,
        responses=RuleOutput,
        summary="Replace a rich menu rule",
        description=operation_description(
            "Replaces the rule's fields; its `kind` stays.",
            returns="the rule.",
            capability=EDIT,
            errors=[*RULE_ERRORS, MISSING],
        ),
    )
    def put(self, request, account_id: int, menu_rule_id: int):
        rule = self._get(menu_rule_id)
        self.require(EDIT)
        # A body that is not an object is the serializer's to refuse (400), not a mapping to copy.
        body = request.data
        data = RuleInput(data={**body, "kind": rule.kind} if isinstance(body, Mapping) else body)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "kind"}
        rich_menu_rule_update(account=self.account, rule=rule, **values)
        return Response(_rule(self._get(menu_rule_id)))

    @extend_schema(
        responses={204: None},
        summary="Delete a rich menu rule",
        description=operation_description(
            "Deletes the rule; friends keep their menu until the next assignment.",
            returns="204.",
            capability=EDIT,
            errors=[MISSING],
        ),
    )
    def delete(self, request, account_id: int, menu_rule_id: int):
        rule = self._get(menu_rule_id)
        self.require(EDIT)
        rich_menu_rule_delete(account=self.account, rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignmentStartApi(AccountApiView):
    @extend_schema(
        request=None,
        responses={202: AssignmentOutput},
        summary="Apply the segment menus to everyone",
        description=operation_description(
            "Starts a run linking each following friend the menu of their first-priority "
            "segment rule (bulk link, 500 friends a call, only for changes) and unlinking "
            "friends who match no rule; answers the run already under way if there is one. "
            "Poll its progress at `segment-rules/assignments/<id>/`.",
            returns="202 with the run.",
            capability=EDIT,
        ),
    )
    def post(self, request, account_id: int):
        self.require(EDIT)
        run = rich_menu_assignment_start(account=self.account)
        return Response(_assignment(run), status=status.HTTP_202_ACCEPTED)


class AssignmentDetailApi(AccountApiView):
    @extend_schema(
        responses=AssignmentOutput,
        summary="Progress of an assignment run",
        description=operation_description(
            "`status` pending, running, done or failed (`error` says LINE's refusal).",
            returns="the run.",
            capability=READ,
            errors=[(404, "no run with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, assignment_id: int):
        self.require(READ)
        run = rich_menu_assignment_get(account=self.account, assignment_id=assignment_id)
        if run is None:
            raise Http404
        return Response(_assignment(run))


class TapsQuery(serializers.Serializer):
    days = serializers.ChoiceField(choices=PERIODS, required=False, default=30)
    menu_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class TapsOutput(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    per_day = serializers.ListField(child=serializers.DictField())
    per_area = serializers.ListField(child=serializers.DictField())


class TapsApi(AccountApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("days", int, enum=list(PERIODS), description="the last N days"),
            OpenApiParameter("menu_id", int, description="one menu (default: all)"),
        ],
        responses=TapsOutput,
        summary="Rich menu taps",
        description=operation_description(
            "Taps on menu areas in the OA's time zone: `per_day` (day, menu_id, taps), "
            "`per_area` (menu_id, area_id, taps, postbacks, links, friends). Postback areas "
            "are counted from the webhook, link areas through the console's link tracking.",
            returns="the taps of the period.",
            capability=READ,
            errors=[(400, "`days` not one of 7, 30, 90.")],
        ),
    )
    def get(self, request, account_id: int):
        self.require(READ)
        query = TapsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = tap_period(account=self.account, days=query.validated_data["days"])
        menu_id = query.validated_data["menu_id"]
        daily = taps_per_day(account=self.account, period=period, menu_id=menu_id)
        areas = taps_per_area(account=self.account, period=period, menu_id=menu_id)
        return Response(
            {
                "first_day": period.first,
                "last_day": period.last,
                "per_day": [
                    {"day": row.day, "menu_id": row.menu_id, "taps": row.taps} for row in daily
                ],
                "per_area": [
                    {
                        "menu_id": row["menu_id"],
                        "area_id": row["area_id"],
                        "taps": row["taps"],
                        "postbacks": row["postbacks"],
                        "links": row["links"],
                        "friends": row["friends"],
                    }
                    for row in areas
                ],
            }
        )
