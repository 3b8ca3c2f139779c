"""API: read LINE's follower list into the OA's friends now, and follow the job's progress."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.roles import Capability
from segments.models import FollowerSync
from segments.selectors import follower_syncs as follower_sync_selectors
from segments.services import follower_syncs


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


SYNC_FIELDS = (
    "status: queued (waiting for a worker), running (reading pages), waiting (LINE's rate "
    "limit or a 429; it resumes from the saved continuation token), done, refused (LINE "
    "answered 403: it lists followers only for verified or premium OAs; line_refused_at is "
    "then set on the OA) or failed (error says why). pages_read and ids_seen count the pages of "
    "up to 1,000 ids read so far; friends_added, the ids the console did not know; "
    "friends_unfollowed, the known following friends missing from the complete list (set "
    "only when every page has been read)."
)


class FollowerSyncApi(AccountApiView):
    @extend_schema(
        responses=FollowerSyncOutputSerializer,
        summary="The OA's latest follower sync (poll it until done)",
        description=operation_description(
            "The newest read of LINE's follower id list for this OA, whatever started it "
            "(connecting the OA, the nightly run, Sync now, the command or this API).",
            returns="the sync job: " + SYNC_FIELDS,
            errors=[(404, "no follower sync has run for this OA yet.")],
        ),
    )
    def get(self, request, account_id: int):
        job = follower_sync_selectors.follower_sync_latest(account=self.account)
        if job is None:
            raise Http404
        return Response(FollowerSyncOutputSerializer(job).data)

    @extend_schema(
        request=None,
        responses={202: FollowerSyncOutputSerializer, 200: FollowerSyncOutputSerializer},
        summary="Read LINE's follower list into the OA's friends now (admins)",
        description=operation_description(
            "Queues a read of LINE's follower id list (`GET /v2/bot/followers/ids`): new ids "
            "become friends and known following friends missing from a complete list are marked "
            "as no longer following. At most one sync runs per OA. Poll GET on the same URL.",
            returns="202 with the queued sync job, or 200 with the sync already waiting or "
            "running (no second one starts): " + SYNC_FIELDS,
            capability=Capability.SYNC_FOLLOWERS,
        ),
    )
    def post(self, request, account_id: int):
        account = self.account
        self.require(Capability.SYNC_FOLLOWERS)
        user = request.user if getattr(request.user, "pk", None) else None
        job, created = follower_syncs.follower_sync_request(
            account=account, trigger=FollowerSync.Trigger.API, requested_by=user
        )
        return Response(
            FollowerSyncOutputSerializer(job).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )


class FollowerSyncDetailApi(AccountApiView):
    @extend_schema(
        responses=FollowerSyncOutputSerializer,
        operation_id="accounts_followers_sync_detail",
        summary="One follower sync of the OA",
        description=operation_description(
            "One earlier or running follower sync of this OA, by its id (from the POST's answer).",
            returns="that sync job: " + SYNC_FIELDS,
            errors=[(404, "no sync with this id belongs to the OA.")],
        ),
    )
    def get(self, request, account_id: int, sync_id: int):
        job = follower_sync_selectors.follower_sync_get(account=self.account, sync_id=sync_id)
        if job is None:
            raise Http404
        return Response(FollowerSyncOutputSerializer(job).data)
