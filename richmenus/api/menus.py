"""Rich menus API, under ``/api/v1/accounts/<account_id>/rich-menus/``: CRUD of menus with
their tap areas and the image upload (publishing, the default, schedules and tab sets are in
``richmenus.api.publishing``).

Designing needs ``Capability.DRAFT_BROADCASTS``, publishing (and the default, schedules,
archiving) ``Capability.APPROVE_BROADCASTS``, as on the pages. A refused input answers 400
with ``error.fields`` naming the field; LINE refusing a publishing step answers 502
``line_refused`` with LINE's reason (also kept on the menu's ``error``).
"""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.line import rich_menus as line
from oa_console.roles import Capability
from richmenus.models import RichMenu, RichMenuArea, RichMenuTabSet
from richmenus.selectors import menus as selectors
from richmenus.services.areas import ACTION_TYPES, DATETIME_MODES, AreaInput, areas_replace
from richmenus.services.menus import (
    CUSTOM,
    SIZE_TEMPLATES,
    MenuInput,
    rich_menu_create,
    rich_menu_delete,
    rich_menu_image_set,
    rich_menu_update,
    size_of,
)

DESIGN = Capability.DRAFT_BROADCASTS
PUBLISH = Capability.APPROVE_BROADCASTS
NOT_FOUND = (404, "no rich menu with this id in the OA.")


class RichMenuAreaSerializer(serializers.Serializer):
    x = serializers.IntegerField(min_value=0)
    y = serializers.IntegerField(min_value=0)
    width = serializers.IntegerField(min_value=1)
    height = serializers.IntegerField(min_value=1)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=ACTION_TYPES)
    value = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="uri: the link; message: the text; postback: the data; "
        "richmenuswitch: the alias of the tab to switch to",
    )
    data = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    mode = serializers.ChoiceField(choices=DATETIME_MODES, required=False, default="date")


class RichMenuInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    chat_bar_text = serializers.CharField(max_length=100, help_text="at most 14 characters")
    size = serializers.ChoiceField(choices=[*SIZE_TEMPLATES, CUSTOM], default="large")
    alias = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    opens_by_default = serializers.BooleanField(required=False, default=False)
    tab_set_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    tab_position = serializers.IntegerField(min_value=0, required=False, default=0)
    areas = RichMenuAreaSerializer(many=True, required=False, help_text="at most 20; replaces all")


class RichMenuOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    chat_bar_text = serializers.CharField()
    size = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alias = serializers.CharField()
    opens_by_default = serializers.BooleanField()
    tab_set_id = serializers.IntegerField(allow_null=True)
    tab_position = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RichMenu.Status.choices)
    has_image = serializers.BooleanField()
    is_default = serializers.BooleanField()
    changed_since_publish = serializers.BooleanField()
    line_rich_menu_id = serializers.CharField()
    error = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    areas = serializers.ListField(child=serializers.DictField())


def menu_data(menu: RichMenu) -> dict:
    areas = RichMenuArea.objects.for_account(menu.account).filter(menu=menu)
    return {
        "id": menu.pk,
        "name": menu.name,
        "chat_bar_text": menu.chat_bar_text,
        "size": size_of(menu),
        "width": menu.width,
        "height": menu.height,
        "alias": menu.alias,
        "opens_by_default": menu.opens_by_default,
        "tab_set_id": menu.tab_set_id,
        "tab_position": menu.tab_position,
        "status": menu.status,
        "has_image": bool(menu.image),
        "is_default": menu.is_default,
        "changed_since_publish": menu.changed_since_publish,
        "line_rich_menu_id": menu.line_rich_menu_id,
        "error": menu.error,
        "published_at": menu.published_at,
        "areas": [
            {
                "x": a.x,
                "y": a.y,
                "width": a.width,
                "height": a.height,
                "label": a.label,
                "action": a.action,
            }
            for a in areas
        ],
    }


def _menu_input(account, data: dict) -> MenuInput:
    tab_set = None
    if data["tab_set_id"] is not None:
        tab_set = RichMenuTabSet.objects.for_account(account).filter(pk=data["tab_set_id"]).first()
        if tab_set is None:
            raise serializers.ValidationError({"tab_set_id": ["Unknown tab set of this OA."]})
    return MenuInput(
        name=data["name"],
        chat_bar_text=data["chat_bar_text"],
        opens_by_default=data["opens_by_default"],
        alias=data["alias"].strip(),
        size=data["size"],
        tab_set=tab_set,
        tab_position=data["tab_position"],
    )


def _areas(data: dict) -> list[AreaInput] | None:
    if "areas" not in data:
        return None
    return [AreaInput(**area) for area in data["areas"]]


class RichMenuListApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=RichMenuOutputSerializer(many=True),
        summary="List rich menus",
        description=operation_description(
            "The OA's rich menus, newest first (archived ones with `archived=1`).",
            returns="a page (`count`, `next`, `previous`, `results`) of menus.",
        ),
    )
    def get(self, request, account_id: int):
        menus = selectors.rich_menu_list(
            account=self.account, include_archived=request.query_params.get("archived") == "1"
        )
        return self.paginated_response([menu_data(m) for m in self.paginate(menus)])

    @extend_schema(
        request=RichMenuInputSerializer,
        responses={201: RichMenuOutputSerializer},
        summary="Create a rich menu",
        description=operation_description(
            "Drafts a menu; upload its image next (`image/`). `size`: large (2500x1686), "
            "compact (2500x843) or custom (the image's own). `areas`: at most 20 "
            "non-overlapping rectangles in image pixels, each with an action.",
            returns="201 with the menu.",
            capability=DESIGN,
            errors=[(400, "a field is refused; `error.fields` names it.")],
        ),
    )
    def post(self, request, account_id: int):
        self.require(DESIGN)
        data = RichMenuInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():  # a menu whose areas are refused is not created either
            menu = rich_menu_create(
                account=self.account, data=_menu_input(self.account, data.validated_data)
            )
            areas = _areas(data.validated_data)
            if areas is not None:
                areas_replace(menu=menu, areas=areas)
        return Response(menu_data(menu), status=status.HTTP_201_CREATED)


class MenuApi(AccountApiView):
    def menu(self, rich_menu_id: int) -> RichMenu:
        return selectors.rich_menu_get(account=self.account, pk=rich_menu_id)


class RichMenuDetailApi(MenuApi):
    @extend_schema(
        responses=RichMenuOutputSerializer,
        summary="Get a rich menu",
        description=operation_description(
            "One menu with its areas.", returns="the menu.", errors=[NOT_FOUND]
        ),
    )
    def get(self, request, account_id: int, rich_menu_id: int):
        return Response(menu_data(self.menu(rich_menu_id)))

    @extend_schema(
        request=RichMenuInputSerializer,
        responses=RichMenuOutputSerializer,
        summary="Replace a rich menu's design",
        description=operation_description(
            "Replaces the menu's fields (and its areas when `areas` is given). A published "
            "menu keeps showing at LINE until it is published again: LINE cannot change a "
            "created menu, so publishing creates a new one and retires the old.",
            returns="the menu.",
            capability=DESIGN,
            errors=[(400, "a field is refused; `error.fields` names it."), NOT_FOUND],
        ),
    )
    def put(self, request, account_id: int, rich_menu_id: int):
        menu = self.menu(rich_menu_id)
        self.require(DESIGN)
        data = RichMenuInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():  # the fields and the areas change together or not at all
            menu = rich_menu_update(menu=menu, data=_menu_input(self.account, data.validated_data))
            areas = _areas(data.validated_data)
            if areas is not None:
                areas_replace(menu=menu, areas=areas)
        menu.refresh_from_db()
        return Response(menu_data(menu))

    @extend_schema(
        responses={204: None},
        summary="Delete a draft rich menu",
        description=operation_description(
            "Deletes a menu LINE never had; archive a published one instead.",
            returns="204.",
            capability=DESIGN,
            errors=[(400, "the menu is at LINE."), NOT_FOUND],
        ),
    )
    def delete(self, request, account_id: int, rich_menu_id: int):
        menu = self.menu(rich_menu_id)
        self.require(DESIGN)
        rich_menu_delete(menu=menu)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RichMenuImageApi(MenuApi):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "RichMenuImageInput", {"image": serializers.FileField()}
            )
        },
        responses=RichMenuOutputSerializer,
        summary="Upload a rich menu's image",
        description=operation_description(
            "The menu's picture: JPEG or PNG, at most 1 MB, 800 to 2500 pixels wide, at least "
            "250 high, width/height at least 1.45, and the template's exact size unless the "
            "menu's size is custom. Its real format and size are read from the file.",
            returns="the menu (its width and height are the image's).",
            capability=DESIGN,
            errors=[(400, "the image is refused; `error.fields.image` says why."), NOT_FOUND],
        ),
    )
    def put(self, request, account_id: int, rich_menu_id: int):
        menu = self.menu(rich_menu_id)
        self.require(DESIGN)
        upload = request.FILES.get("image")
        if upload is None:
            raise serializers.ValidationError({"image": ["Upload the image as `image`."]})
        menu = rich_menu_image_set(menu=menu, data=upload.read(line.MAX_IMAGE_BYTES + 1))
        return Response(menu_data(menu))
