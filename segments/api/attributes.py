"""API: custom attribute definitions of an OA (typed first-party fields of its friends)."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability
from segments.models import AttributeDefinition
from segments.selectors import attributes as attribute_selectors
from segments.services import attributes


class AttributeOutputSerializer(serializers.ModelSerializer):
    friends = serializers.IntegerField(source="friend_count", read_only=True)

    class Meta:
        model = AttributeDefinition
        fields = ["id", "key", "label", "type", "friends", "created_at"]


def _with_counts(account):
    return attribute_selectors.attribute_definition_list(account=account).annotate(
        friend_count=Count("values")
    )


class AttributeListApi(AccountApiView):
    pagination_class = StandardPagination

    class InputSerializer(serializers.Serializer):
        key = serializers.CharField(max_length=40)
        label = serializers.CharField(max_length=80)
        type = serializers.ChoiceField(choices=AttributeDefinition.Type.choices)

    @extend_schema(
        responses=AttributeOutputSerializer(many=True),
        summary="Custom attributes with how many friends have a value (paginated)",
        description=operation_description(
            (
                "The OA's custom attributes: typed first-party fields (points, membership "
                "level, birthday, ...) that imports, the API and events fill per friend, and "
                "segments filter on as `attribute.<key>`."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of attributes: id, key, label, type and `friends`, the number of friends "
                "with a value."
            ),
        ),
    )
    def get(self, request, account_id: int):
        account = self.account
        page = self.paginate(_with_counts(account))
        return self.paginated_response(AttributeOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: AttributeOutputSerializer},
        summary="Define a custom attribute",
        description=operation_description(
            (
                "Defines a new attribute of the OA's friends. `key` (lower-case letters, "
                "digits, underscores) is how segments address it: `attribute.<key>`. `key` and "
                "`type` cannot change later; only the label can."
            ),
            returns="201 with the new attribute (`friends` is 0).",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "the key is malformed or already used in this OA, or the type is unknown; "
                        "`error.fields` names the field."
                    ),
                )
            ],
        ),
    )
    def post(self, request, account_id: int):
        account = self.account
        self.require(Capability.EDIT_SEGMENTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        definition = attributes.attribute_definition_create(account=account, **data.validated_data)
        output = _with_counts(account).get(pk=definition.pk)
        return Response(AttributeOutputSerializer(output).data, status=status.HTTP_201_CREATED)


class AttributeDetailApi(AccountApiView):
    class UpdateSerializer(serializers.Serializer):
        label = serializers.CharField(max_length=80)

    def _definition(self, account_id, attribute_id):
        account = self.account
        definition = _with_counts(account).filter(pk=attribute_id).first()
        if definition is None:
            raise Http404
        return account, definition

    @extend_schema(
        responses=AttributeOutputSerializer,
        summary="Get a custom attribute",
        description=operation_description(
            ("One custom attribute of the OA by id."),
            returns="the attribute: id, key, label, type, and how many friends have a value.",
            errors=[(404, "no attribute with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, attribute_id: int):
        _account, definition = self._definition(account_id, attribute_id)
        return Response(AttributeOutputSerializer(definition).data)

    @extend_schema(
        request=UpdateSerializer,
        responses=AttributeOutputSerializer,
        summary="Relabel a custom attribute",
        description=operation_description(
            (
                "Changes the label people see; the key segments use and the type stay as they "
                "are, so no segment or import mapping breaks."
            ),
            returns="the attribute with its new label.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "a field is missing or not valid; `error.fields` names each one with its "
                        "reasons."
                    ),
                ),
                (404, "no attribute with this id in the OA."),
            ],
        ),
    )
    def patch(self, request, account_id: int, attribute_id: int):
        _account, definition = self._definition(account_id, attribute_id)
        self.require(Capability.EDIT_SEGMENTS)
        data = self.UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attributes.attribute_definition_update(
            definition=definition, label=data.validated_data["label"]
        )
        return Response(AttributeOutputSerializer(definition).data)

    @extend_schema(
        responses={204: None},
        summary="Delete a custom attribute and every friend's value of it",
        description=operation_description(
            (
                "Deletes the attribute and the value every friend had for it. Segments that "
                "still filter on it become invalid until edited."
            ),
            returns="204 with no body.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[(404, "no attribute with this id in the OA.")],
        ),
    )
    def delete(self, request, account_id: int, attribute_id: int):
        _account, definition = self._definition(account_id, attribute_id)
        self.require(Capability.EDIT_SEGMENTS)
        attributes.attribute_definition_delete(definition=definition)
        return Response(status=status.HTTP_204_NO_CONTENT)
