"""API: read LINE's follower list into the OA's friends now, and follow the job's progress."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from oa_console.api.base import TenantApiView
from oa_console.roles import Capability
from segments import followers, selectors
from segments.models import FollowerSync


class FollowerSyncOutputSerializer(serializers.ModelSerializer):
    line_refused_at = serializers.DateTimeField(
        source="account.follower_ids_refused_at", read_only=True, allow_null=True
    )

    class Meta:
        model = FollowerSync
        fields = [
            "id",
            "status",
            "trigger",
            "pages_read",
            "ids_seen",
            "friends_added",
            "friends_unfollowed",
            "rate_limited",
            "error",
            "line_refused_at",
            "created_at",
            "started_at",
            "finished_at",
        ]


SYNC_DESCRIPTION = (
    "status: queued (waiting for a worker), running (reading pages), waiting (LINE's rate "
    "limit or a 429; it resumes from the saved continuation token), done, refused (LINE "
    "answered 403: it lists followers only for verified or premium OAs; line_refused_at is "
    "then set on the OA) or failed (error says why). pages_read and ids_seen count the pages of "
    "up to 1,000 ids read so far; friends_added, the ids the console did not know; "
    "friends_unfollowed, the known following friends missing from the complete list (set "
    "only when every page has been read)."
)


class FollowerSyncApi(TenantApiView):
    @extend_schema(
        responses=FollowerSyncOutputSerializer,
        summary="The OA's latest follower sync (poll it until done)",
        description=SYNC_DESCRIPTION,
    )
    def get(self, request, account_id: int):
        job = selectors.follower_sync_latest(account=self.get_account(account_id))
        if job is None:
            raise Http404
        return Response(FollowerSyncOutputSerializer(job).data)

    @extend_schema(
        request=None,
        responses={202: FollowerSyncOutputSerializer, 200: FollowerSyncOutputSerializer},
        summary="Read LINE's follower list into the OA's friends now (admins)",
        description=(
            "Queues a sync and answers 202 with it; while one is waiting or going it is answered "
            "with 200 instead of starting a second. Poll GET on the same URL. " + SYNC_DESCRIPTION
        ),
    )
    def post(self, request, account_id: int):
        account = self.get_account(account_id)
        self.require(Capability.SYNC_FOLLOWERS)
        user = request.user if getattr(request.user, "pk", None) else None
        job, created = followers.follower_sync_request(
            account=account, trigger=FollowerSync.Trigger.API, requested_by=user
        )
        return Response(
            FollowerSyncOutputSerializer(job).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )


class FollowerSyncDetailApi(TenantApiView):
    @extend_schema(
        responses=FollowerSyncOutputSerializer,
        summary="One follower sync of the OA",
        description=SYNC_DESCRIPTION,
    )
    def get(self, request, account_id: int, sync_id: int):
        job = selectors.follower_sync_get(account=self.get_account(account_id), sync_id=sync_id)
        if job is None:
            raise Http404
        return Response(FollowerSyncOutputSerializer(job).data)
