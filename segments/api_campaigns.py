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

from oa_console.api.base import TenantApiView
from oa_console.api.pagination import StandardPagination
from oa_console.models import User
from oa_console.roles import Capability
from segments import campaign_selectors, campaigns, tag_selectors
from segments.api_segments import service_error
from segments.models import CampaignLink


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


class CampaignLinkListApi(TenantApiView):
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)
        source = serializers.CharField(max_length=64, required=False, allow_blank=True)
        tag_id = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(
        responses=CampaignLinkOutputSerializer(many=True),
        summary="List campaign add-friend links with visits and attributed follows",
    )
    def get(self, request, account_id: int):
        account = self.get_account(account_id)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(
            campaign_selectors.campaign_link_list(account=account), request, view=self
        )
        return paginator.get_paginated_response(CampaignLinkOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: CampaignLinkOutputSerializer},
        summary="Create a campaign add-friend link",
        description=(
            "source (the add-friend source given to the friends it brings) defaults to the "
            "name as a slug; with tag_id, an add-source auto-tag rule tags those friends."
        ),
    )
    def post(self, request, account_id: int):
        account = self.get_account(account_id)
        self.require(Capability.EDIT_SEGMENTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tag = None
        tag_id = data.validated_data.get("tag_id")
        if tag_id is not None:
            tag = tag_selectors.tag_get(account=account, tag_id=tag_id)
            if tag is None:
                raise service_error(DjangoValidationError({"tag_id": [_("Unknown tag.")]}))
        try:
            link = campaigns.campaign_link_create(
                account=account,
                name=data.validated_data["name"],
                source=data.validated_data.get("source", ""),
                tag=tag,
                created_by=request.user if isinstance(request.user, User) else None,
            )
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        link = campaign_selectors.campaign_link_get(account=account, link_id=link.pk)
        return Response(CampaignLinkOutputSerializer(link).data, status=status.HTTP_201_CREATED)


class CampaignLinkDetailApi(TenantApiView):
    class UpdateSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=120)

    def _link(self, account_id, link_id) -> CampaignLink:
        account = self.get_account(account_id)
        link = campaign_selectors.campaign_link_get(account=account, link_id=link_id)
        if link is None:
            raise Http404
        return link

    @extend_schema(responses=CampaignLinkOutputSerializer, summary="Get a campaign link")
    def get(self, request, account_id: int, link_id: int):
        return Response(CampaignLinkOutputSerializer(self._link(account_id, link_id)).data)

    @extend_schema(
        request=UpdateSerializer,
        responses=CampaignLinkOutputSerializer,
        summary="Rename a campaign link (its source stays)",
    )
    def patch(self, request, account_id: int, link_id: int):
        link = self._link(account_id, link_id)
        self.require(Capability.EDIT_SEGMENTS)
        data = self.UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            campaigns.campaign_link_update(link=link, name=data.validated_data["name"])
        except DjangoValidationError as exc:
            raise service_error(exc) from exc
        return Response(CampaignLinkOutputSerializer(self._link(account_id, link_id)).data)

    @extend_schema(responses={204: None}, summary="Delete a campaign link")
    def delete(self, request, account_id: int, link_id: int):
        link = self._link(account_id, link_id)
        self.require(Capability.EDIT_SEGMENTS)
        campaigns.campaign_link_delete(link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CampaignLinkQrApi(TenantApiView):
    @extend_schema(
        responses={
            (200, "image/svg+xml"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The QR code"
            )
        },
        summary="A campaign link's QR code as SVG",
    )
    def get(self, request, account_id: int, link_id: int):
        account = self.get_account(account_id)
        link = campaign_selectors.campaign_link_get(account=account, link_id=link_id)
        if link is None:
            raise Http404
        return HttpResponse(campaigns.campaign_link_qr_file(link), content_type="image/svg+xml")
