"""Publishing through the API: publish a menu or a tab set, the default menu, archiving,
schedules and tab sets (under ``/api/v1/accounts/<account_id>/rich-menus/``).

LINE refusing a step answers 502 ``line_refused`` with LINE's reason (also kept on the menu's
``error``); an incomplete design answers 400.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from richmenus.api.menus import (
    DESIGN,
    NOT_FOUND,
    PUBLISH,
    MenuApi,
    RichMenuOutputSerializer,
    menu_data,
)
from richmenus.models import RichMenuSchedule
from richmenus.selectors import menus as selectors
from richmenus.services import publishing, schedules
from richmenus.services.menus import tab_set_create

LINE_REFUSED = (502, "LINE refused a step (`line_refused`); the message is LINE's reason.")


class LineRefused(exceptions.APIException):
    status_code = 502
    default_code = "line_refused"


def _publishing(call):
    try:
        return call()
    except publishing.PublishFailed as exc:
        raise LineRefused(exc.message) from exc


class RichMenuPublishApi(MenuApi):
    @extend_schema(
        request=None,
        responses=RichMenuOutputSerializer,
        summary="Publish a rich menu to LINE",
        description=operation_description(
            "Creates the menu, its image and its alias at LINE (again for a published menu: "
            "the alias and the default move to the new LINE menu, the old one is deleted).",
            returns="the menu, `status` published.",
            capability=PUBLISH,
            errors=[(400, "the design is incomplete."), LINE_REFUSED, NOT_FOUND],
        ),
    )
    def post(self, request, account_id: int, rich_menu_id: int):
        menu = self.menu(rich_menu_id)
        self.require(PUBLISH)
        return Response(menu_data(_publishing(lambda: publishing.rich_menu_publish(menu=menu))))


class RichMenuDefaultApi(MenuApi):
    @extend_schema(
        request=None,
        responses=RichMenuOutputSerializer,
        summary="Make a rich menu the default",
        description=operation_description(
            "Every friend without a menu of their own sees this published menu.",
            returns="the menu, `is_default` true.",
            capability=PUBLISH,
            errors=[(400, "the menu is not published."), LINE_REFUSED, NOT_FOUND],
        ),
    )
    def post(self, request, account_id: int, rich_menu_id: int):
        menu = self.menu(rich_menu_id)
        self.require(PUBLISH)
        return Response(menu_data(_publishing(lambda: publishing.rich_menu_default_set(menu=menu))))


class RichMenuDefaultCancelApi(AccountApiView):
    @extend_schema(
        request=None,
        responses={204: None},
        summary="Cancel the default rich menu",
        description=operation_description(
            "Leaves the OA without a default menu.",
            returns="204.",
            capability=PUBLISH,
            errors=[LINE_REFUSED],
        ),
    )
    def delete(self, request, account_id: int):
        self.require(PUBLISH)
        _publishing(lambda: publishing.rich_menu_default_cancel(account=self.account))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RichMenuArchiveApi(MenuApi):
    @extend_schema(
        request=None,
        responses=RichMenuOutputSerializer,
        summary="Archive a rich menu",
        description=operation_description(
            "Deletes the menu and its alias at LINE and keeps it here as archived.",
            returns="the menu, `status` archived.",
            capability=PUBLISH,
            errors=[LINE_REFUSED, NOT_FOUND],
        ),
    )
    def post(self, request, account_id: int, rich_menu_id: int):
        menu = self.menu(rich_menu_id)
        self.require(PUBLISH)
        return Response(menu_data(_publishing(lambda: publishing.rich_menu_archive(menu=menu))))


class RichMenuScheduleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=RichMenuSchedule.Status.choices, read_only=True)
    error = serializers.CharField(read_only=True)


class RichMenuScheduleApi(MenuApi):
    pagination_class = StandardPagination

    @extend_schema(
        responses=RichMenuScheduleSerializer(many=True),
        summary="List a rich menu's schedules",
        description=operation_description(
            "When the menu is (or was) the default for a while.",
            returns="a page of schedules.",
            errors=[NOT_FOUND],
        ),
    )
    def get(self, request, account_id: int, rich_menu_id: int):
        menu = self.menu(rich_menu_id)
        rows = self.paginate(selectors.schedule_list(account=self.account, menu=menu))
        return self.paginated_response(RichMenuScheduleSerializer(rows, many=True).data)

    @extend_schema(
        request=RichMenuScheduleSerializer,
        responses={201: RichMenuScheduleSerializer},
        summary="Schedule a rich menu as the default",
        description=operation_description(
            "From `starts_at` the menu is the default; at `ends_at` (optional) the default "
            "before it comes back. Times with an offset; the pages use the OA's time zone.",
            returns="201 with the schedule.",
            capability=PUBLISH,
            errors=[
                (400, "not published, in the past, or overlapping; `error.fields`."),
                NOT_FOUND,
            ],
        ),
    )
    def post(self, request, account_id: int, rich_menu_id: int):
        menu = self.menu(rich_menu_id)
        self.require(PUBLISH)
        data = RichMenuScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        schedule = schedules.schedule_create(menu=menu, **data.validated_data)
        return Response(RichMenuScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)


class RichMenuTabSetSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=100)


class RichMenuTabSetListApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=RichMenuTabSetSerializer(many=True),
        summary="List rich menu tab sets",
        description=operation_description("The OA's tab sets.", returns="a page of tab sets."),
    )
    def get(self, request, account_id: int):
        rows = self.paginate(selectors.tab_set_list(account=self.account))
        return self.paginated_response(RichMenuTabSetSerializer(rows, many=True).data)

    @extend_schema(
        request=RichMenuTabSetSerializer,
        responses={201: RichMenuTabSetSerializer},
        summary="Create a rich menu tab set",
        description=operation_description(
            "A set of menus shown as tabs; a menu joins it with `tab_set_id`.",
            returns="201 with the tab set.",
            capability=DESIGN,
        ),
    )
    def post(self, request, account_id: int):
        self.require(DESIGN)
        data = RichMenuTabSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tab_set = tab_set_create(account=self.account, name=data.validated_data["name"])
        return Response(RichMenuTabSetSerializer(tab_set).data, status=status.HTTP_201_CREATED)


class RichMenuTabSetPublishInputSerializer(serializers.Serializer):
    make_default = serializers.BooleanField(
        required=False, default=True, help_text="the first tab becomes the default menu"
    )


class RichMenuTabSetPublishApi(AccountApiView):
    @extend_schema(
        request=RichMenuTabSetPublishInputSerializer,
        responses=inline_serializer(
            "RichMenuTabSetPublished", {"menus": RichMenuOutputSerializer(many=True)}
        ),
        summary="Publish every tab of a tab set",
        description=operation_description(
            "Publishes each tab with its alias; with `make_default` the first tab becomes the "
            "default menu.",
            returns="`menus`: the tabs, in order.",
            capability=PUBLISH,
            errors=[
                (
                    400,
                    "fewer than two tabs, a tab without alias or incomplete, or a body that is "
                    "not an object with a boolean `make_default`.",
                ),
                LINE_REFUSED,
                (404, "no tab set with this id in the OA."),
            ],
        ),
    )
    def post(self, request, account_id: int, rich_menu_tab_set_id: int):
        tab_set = selectors.tab_set_get(account=self.account, pk=rich_menu_tab_set_id)
        self.require(PUBLISH)
        data = RichMenuTabSetPublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        make_default = data.validated_data["make_default"]
        menus = _publishing(
            lambda: publishing.tab_set_publish(tab_set=tab_set, make_default=make_default)
        )
        return Response({"menus": [menu_data(m) for m in menus]})
