"""The body of a broadcast (create, replace): the content, the audience, A/B variants."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from broadcasts.audiences import for_api_keys
from broadcasts.models import Broadcast


class BroadcastInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    goal = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    messages = serializers.JSONField(required=False)
    audience = serializers.JSONField()
    track_clicks = serializers.BooleanField(required=False, default=True)
    click_attribution = serializers.ChoiceField(
        choices=Broadcast.ClickAttribution.choices,
        required=False,
        default=Broadcast.ClickAttribution.FRIEND,
        help_text="With tracked links: 'friend' sends a segment or all-friends audience by push, "
        "one friend per call, so each click names the friend (2,000 calls/s); 'link' sends by "
        "multicast / LINE broadcast / narrowcast, clicks counted per link only. Demographic "
        "audiences are always per link; an A/B test with tracked links is always per friend.",
    )
    repeat_weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        required=False,
        default=list,
        max_length=7,
    )
    variants = serializers.JSONField(
        required=False,
        help_text="2-4 A/B variants [{name, messages, share?}] (segment audiences only); "
        "shares default to even.",
    )
    variant_test_percent = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        help_text="Share of the audience (after the holdout) that gets a variant; the rest "
        "waits for the winner.",
    )
    holdout_percent = serializers.IntegerField(required=False, min_value=0, max_value=50)

    def validate_audience(self, audience) -> dict:
        if not isinstance(audience, dict) or not audience:
            raise ValidationError(_('Use {"all": true}, {"segment": id}, or a demographic filter.'))
        if audience.get("all") is True and len(audience) == 1:
            kind = for_api_keys({"all"}).kind
            return {"audience_kind": kind, "segment_id": None, "demographic": None}
        unknown = set(audience) - {"segment", "demographic"}
        if unknown or "all" in audience:
            raise ValidationError(
                _("Unknown audience keys: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
                if unknown
                else _('"all" cannot be combined with a segment or a filter.')
            )
        segment = audience.get("segment")
        if segment is not None and (not isinstance(segment, int) or isinstance(segment, bool)):
            raise ValidationError(_("segment must be a segment id."))
        demographic = audience.get("demographic")
        named = {
            key
            for key, value in (("segment", segment), ("demographic", demographic))
            if value is not None
        }
        # Neither given: a demographic audience whose missing filter its validation reports.
        kind = for_api_keys(named or {"demographic"}).kind
        return {"audience_kind": kind, "segment_id": segment, "demographic": demographic}

    def validate(self, data):
        arms = data.get("variants")
        if not arms:
            if "messages" not in data:
                raise ValidationError({"messages": [_("This field is required.")]})
            return data
        first = (
            arms[0].get("messages")
            if isinstance(arms, list) and isinstance(arms[0], dict)
            else None
        )
        if "messages" in data and first is not None and data["messages"] != first:
            raise ValidationError(
                {
                    "messages": [
                        _(
                            "With variants, leave out messages (or repeat the first variant's): "
                            "each variant has its own."
                        )
                    ]
                }
            )
        data["messages"] = first
        return data


def service_kwargs(validated: dict) -> dict:
    return {
        "name": validated["name"],
        "goal": validated.get("goal", ""),
        "messages": validated["messages"],
        "track_clicks": validated.get("track_clicks", True),
        "click_attribution": validated.get("click_attribution", Broadcast.ClickAttribution.FRIEND),
        "repeat_weekdays": validated.get("repeat_weekdays", []),
        "holdout_percent": validated.get("holdout_percent") or 0,
        "variants": validated.get("variants") or None,
        "variant_test_percent": validated.get("variant_test_percent", 100),
        **validated["audience"],
    }
