"""API: campaign add-friend links (list with visits and attributed follows, create, rename,
delete) and each link's QR code as SVG."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.models import User
from oa_console.roles import Capability
from segments.models import CampaignLink
from segments.selectors import campaigns as campaign_selectors
from segments.selectors import tags as tag_selectors
from segments.services import campaigns


class CampaignLinkOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    visits = serializers.IntegerField(source="visit_count", read_only=True)
    attributed_follows = serializers.IntegerField(source="follow_count", read_only=True)
    last_visit_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = CampaignLink
        fields = [
            "id",
            "name",
            "source",
            "url",
            "visits",
            "attributed_follows",
            "last_visit_at",
            "created_at",
        ]

    def get_url(self, link) -> str:
        return campaigns.campaign_link_url(link)


class CampaignLinkListApi(AccountApiView):
    pagination_class = StandardPagination

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        source = serializers.CharField(max_length=64, required=False, allow_blank=True)
        tag_id = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(
        responses=CampaignLinkOutputSerializer(many=True),
        summary="List campaign add-friend links with visits and attributed follows",
        description=operation_description(
            (
                "The OA's campaign add-friend links (posters, flyers, QR codes in a shop) with "
                "how often each was opened and how many follows it brought."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of links: id, name, source, the URL to print, `visits`, "
                "`attributed_follows` and the last visit time."
            ),
        ),
    )
    def get(self, request, account_id: int):
        account = self.account
        page = self.paginate(campaign_selectors.campaign_link_list(account=account))
        return self.paginated_response(CampaignLinkOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: CampaignLinkOutputSerializer},
        summary="Create a campaign add-friend link",
        description=operation_description(
            (
                "Creates a link that sends people to the OA's add-friend page and credits the "
                "follows it brings to a source. `source` (the add-friend source given to the "
                "friends it brings) defaults to the name as a slug; with `tag_id`, an "
                "add-source auto-tag rule tags those friends."
            ),
            returns="201 with the new link and its URL (no visits yet).",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "the name or source is not valid or already used, or `tag_id` is not a tag of "
                        "this OA; `error.fields` names the field."
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
        tag = None
        tag_id = data.validated_data.get("tag_id")
        if tag_id is not None:
            tag = tag_selectors.tag_get(account=account, tag_id=tag_id)
            if tag is None:
                raise DjangoValidationError({"tag_id": [_("Unknown tag.")]})
        link = campaigns.campaign_link_create(
            account=account,
            name=data.validated_data["name"],
            source=data.validated_data.get("source", ""),
            tag=tag,
            created_by=request.user if isinstance(request.user, User) else None,
        )
        link = campaign_selectors.campaign_link_get(account=account, link_id=link.pk)
        return Response(CampaignLinkOutputSerializer(link).data, status=status.HTTP_201_CREATED)


class CampaignLinkDetailApi(AccountApiView):
    class UpdateSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)

    def _link(self, account_id, link_id) -> CampaignLink:
        account = self.account
        link = campaign_selectors.campaign_link_get(account=account, link_id=link_id)
        if link is None:
            raise Http404
        return link

    @extend_schema(
        responses=CampaignLinkOutputSerializer,
        summary="Get a campaign link",
        description=operation_description(
            ("One campaign link of the OA by id, with its counts."),
            returns="the link with its URL, visits and attributed follows.",
            errors=[(404, "no campaign link with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, link_id: int):
        return Response(CampaignLinkOutputSerializer(self._link(account_id, link_id)).data)

    @extend_schema(
        request=UpdateSerializer,
        responses=CampaignLinkOutputSerializer,
        summary="Rename a campaign link (its source stays)",
        description=operation_description(
            (
                "Renames the link. Its source stays, so the friends it already brought keep "
                "their attribution and printed QR codes keep working."
            ),
            returns="the renamed link with its counts.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[
                (
                    400,
                    (
                        "a field is missing or not valid; `error.fields` names each one with its "
                        "reasons."
                    ),
                ),
                (404, "no campaign link with this id in the OA."),
            ],
        ),
    )
    def patch(self, request, account_id: int, link_id: int):
        link = self._link(account_id, link_id)
        self.require(Capability.EDIT_SEGMENTS)
        data = self.UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaigns.campaign_link_update(link=link, name=data.validated_data["name"])
        return Response(CampaignLinkOutputSerializer(self._link(account_id, link_id)).data)

    @extend_schema(
        responses={204: None},
        summary="Delete a campaign link",
        description=operation_description(
            (
                "Deletes the link; its URL and QR code stop counting visits. Friends it brought "
                "keep their add-friend source."
            ),
            returns="204 with no body.",
            capability=Capability.EDIT_SEGMENTS,
            errors=[(404, "no campaign link with this id in the OA.")],
        ),
    )
    def delete(self, request, account_id: int, link_id: int):
        link = self._link(account_id, link_id)
        self.require(Capability.EDIT_SEGMENTS)
        campaigns.campaign_link_delete(link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CampaignLinkQrApi(AccountApiView):
    @extend_schema(
        responses={
            (200, "image/svg+xml"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The QR code"
            )
        },
        summary="A campaign link's QR code as SVG",
        description=operation_description(
            ("The QR code of a campaign link's URL, ready to print on a poster or flyer."),
            returns="an `image/svg+xml` document.",
            errors=[(404, "no campaign link with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, link_id: int):
        account = self.account
        link = campaign_selectors.campaign_link_get(account=account, link_id=link_id)
        if link is None:
            raise Http404
        return HttpResponse(campaigns.campaign_link_qr_file(link), content_type="image/svg+xml")
