"""What ``segments`` holds about a friend: the profile and first-party data, follow history,
interactions, tags, attributes, custom events, RFM scores, campaign attribution, the console
users' own LINE links, and audit entries naming them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from oa_console.models import AuditEntry
from segments.models import (
    CampaignVisit,
    CustomEvent,
    Friend,
    FriendAttribute,
    FriendLink,
    FriendStatusChange,
    FriendTag,
    Interaction,
    RfmScore,
)
from segments.personal_data.registry import PersonalDataProvider, Section, Subject
from segments.personal_data.scrub import replace_in, scrub_rows
from segments.selectors import segments as segment_selectors

PROFILE_FIELDS = (
    "line_user_id",
    "display_name",
    "picture_url",
    "status_message",
    "language",
    "status",
    "status_changed_at",
    "first_followed_at",
    "last_followed_at",
    "blocked_at",
    "times_unblocked",
    "last_interaction_at",
    "message_count",
    "member_id",
    "gender",
    "birthday",
    "region",
    "member_tier",
    "add_source",
    "source",
    "listed_at",
    "unlisted_at",
    "profile_status",
    "profile_fetched_at",
    "created_at",
)
# Cleared on erasure. Kept: status, follow times and counts, the add-friend source (a campaign
# bucket counted on the Insights friends page) and how the console learned of the friend.
IDENTITY_FIELDS = {
    "display_name": "",
    "picture_url": "",
    "status_message": "",
    "language": "",
    "member_id": "",
    "gender": "",
    "birthday": None,
    "region": "",
    "member_tier": "",
    "profile_error": "",
}


def _interactions(subject: Subject):
    return Interaction.objects.for_account(subject.account).filter(
        Q(friend=subject.friend) | Q(line_user_id=subject.line_user_id)
    )


def _attribute_value(item: FriendAttribute) -> Any:
    for column in ("value_text", "value_number", "value_date", "value_bool"):
        value = getattr(item, column)
        if value not in (None, ""):
            return value
    return None


def export(subject: Subject) -> list[Section]:
    friend = subject.friend
    profile = Section("profile", _("Profile and first-party data"))
    profile.records.append({name: getattr(friend, name) for name in PROFILE_FIELDS})
    history = Section("follow_history", _("Follows and blocks"))
    for change in (
        FriendStatusChange.objects.for_account(subject.account)
        .filter(friend=friend)
        .order_by("occurred_at")
    ):
        history.records.append(
            {
                "kind": change.kind,
                "is_unblock": change.is_unblock,
                "occurred_at": change.occurred_at,
                "mode": change.mode,
            }
        )
    attributes = Section("attributes", _("Custom attributes"))
    for item in (
        FriendAttribute.objects.for_account(subject.account)
        .filter(friend=friend)
        .select_related("definition")
    ):
        attributes.records.append(
            {
                "key": item.definition.key,
                "label": item.definition.label,
                "type": item.definition.type,
                "value": _attribute_value(item),
                "updated_at": item.updated_at,
            }
        )
    tags = Section("tags", _("Tags"))
    for item in (
        FriendTag.objects.for_account(subject.account)
        .filter(friend=friend)
        .select_related("tag", "tag__family", "rule")
    ):
        tags.records.append(
            {
                "tag": item.tag.name,
                "family": item.tag.family.name if item.tag.family else "",
                "applied_by": item.source,
                "rule": str(item.rule) if item.rule else "",
                "tagged_at": item.tagged_at,
            }
        )
    events = Section("custom_events", _("Custom events"))
    for event in (
        CustomEvent.objects.for_account(subject.account)
        .filter(friend=friend)
        .order_by("occurred_at", "pk")
    ):
        events.records.append(
            {
                "name": event.name,
                "occurred_at": event.occurred_at,
                "amount": event.amount,
                "currency": event.currency,
                "properties": event.properties,
                "source": event.source,
                "idempotency_key": event.idempotency_key,
                "received_at": event.received_at,
            }
        )
    interactions = Section("interactions", _("Messages and other interactions"))
    for item in _interactions(subject).order_by("occurred_at", "pk"):
        interactions.records.append(
            {
                "kind": item.kind,
                "occurred_at": item.occurred_at,
                "mode": item.mode,
                "group_id": item.group_id,
                "room_id": item.room_id,
                "message_type": item.message_type,
                "message_id": item.message_id,
                "text": item.text,
                "data": item.data,
                "unsent_at": item.unsent_at,
                "edited_at": item.edited_at,
            }
        )
    rfm = Section("rfm", _("RFM scores"))
    score = RfmScore.objects.for_account(subject.account).filter(friend=friend).first()
    if score is not None:
        rfm.records.append(
            {
                "recency_days": score.recency_days,
                "frequency": score.frequency,
                "monetary": score.monetary,
                "r": score.r,
                "f": score.f,
                "m": score.m,
                "cell": score.cell,
                "computed_at": score.computed_at,
            }
        )
    campaigns = Section("campaign_attribution", _("Add-friend link attribution"))
    for visit in (
        CampaignVisit.objects.for_account(subject.account)
        .filter(friend=friend)
        .select_related("link")
    ):
        campaigns.records.append(
            {
                "link": visit.link.name,
                "add_friend_source": visit.link.source,
                "visited_at": visit.visited_at,
                "followed_at": visit.followed_at,
            }
        )
    links = Section("console_links", _("Linked to a console user (test sends)"))
    for link in (
        FriendLink.objects.for_account(subject.account).filter(friend=friend).select_related("user")
    ):
        links.records.append({"console_user": link.user.email, "linked_at": link.linked_at})
    segments = Section("segments", _("Saved segments the friend is in now"))
    for segment in segment_selectors.segments_of_friend(friend=friend):
        segments.records.append({"segment": segment.name})
    audit = Section("audit_log", _("Audit log entries naming the friend"))
    for entry in _audit_entries(subject):
        audit.records.append(
            {
                "created_at": entry.created_at,
                "action": entry.action,
                "actor": entry.actor_label,
                "target": entry.target_label,
                "details": entry.details,
            }
        )
    return [
        profile,
        history,
        attributes,
        tags,
        events,
        interactions,
        rfm,
        campaigns,
        links,
        segments,
        audit,
    ]


def _audit_condition(subject: Subject) -> Q:
    """Entries naming the friend: their LINE user id anywhere, or their display name in an
    entry about a friend (a name alone may be a common word in other entries' labels)."""
    condition = Q(target_label__contains=subject.line_user_id) | Q(
        _details__contains=subject.line_user_id
    )
    if subject.display_name:
        condition |= Q(target_type="friend", target_label__contains=subject.display_name)
    return condition


def _audit_log(subject: Subject) -> QuerySet[AuditEntry]:
    """The audit log of the OA's workspace (entries about the OA and the workspace's own)."""
    return AuditEntry.objects.for_workspace(subject.account.workspace)


def _audit_entries(subject: Subject) -> QuerySet[AuditEntry]:
    entries = _audit_log(subject)
    entries = entries.annotate(_details=Cast("details", TextField()))
    return entries.filter(_audit_condition(subject)).order_by("created_at", "pk")


def erase(subject: Subject) -> dict[str, int]:
    friend, uid = subject.friend, subject.line_user_id
    replacements = {uid: subject.pseudonym}
    counts = {
        "tags": FriendTag.objects.for_account(subject.account).filter(friend=friend).delete()[0],
        "attributes": FriendAttribute.objects.for_account(subject.account)
        .filter(friend=friend)
        .delete()[0],
        "custom_events": CustomEvent.objects.for_account(subject.account)
        .filter(friend=friend)
        .delete()[0],
        "rfm": RfmScore.objects.for_account(subject.account).filter(friend=friend).delete()[0],
        "console_links": FriendLink.objects.for_account(subject.account)
        .filter(friend=friend)
        .delete()[0],
    }
    # Interactions stay (message counts and active users are rolled up from them), each one
    # anonymous: the pseudonym instead of the id, no content.
    own = _interactions(subject)
    counts["interactions"] = own.count()
    own.update(text="", data={}, message_id="")
    own.filter(line_user_id=uid).update(line_user_id=subject.pseudonym)
    # Someone else's interaction naming them (a mention in a group).
    shared = Interaction.objects.for_account(subject.account).exclude(group_id="", room_id="")
    counts["interactions"] += scrub_rows(shared, ["data"], replacements, needle=uid)
    audit_replacements = dict(replacements)
    if subject.display_name:
        audit_replacements[subject.display_name] = str(_("erased friend"))
    counts["audit_log"] = 0
    for entry in _audit_entries(subject):
        _audit_log(subject).filter(pk=entry.pk).update(
            target_label=replace_in(entry.target_label, audit_replacements)[:200],
            details=replace_in(entry.details, audit_replacements),
        )
        counts["audit_log"] += 1
    counts["profile"] = (
        Friend.objects.for_account(subject.account)
        .filter(pk=friend.pk)
        .update(
            line_user_id=subject.pseudonym,
            profile_status=Friend.ProfileStatus.UNAVAILABLE,
            erased_at=subject.erased_at,
            **IDENTITY_FIELDS,
        )
    )
    return counts


PROVIDER = PersonalDataProvider(app="segments", export=export, erase=erase, order=100)
