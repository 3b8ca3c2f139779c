"""segments' tables, one module per entity: friends and their history, interactions, tags and
tag rules, attributes, custom events, segments, RFM scores, campaign links, friend links,
follower syncs and each OA's sending rules (frequency cap and quiet hours, which broadcasts and
journeys both apply; its table keeps the name it had in broadcasts). Every model is imported
here so Django's app registry (and ``segments.models`` importers) see them all; the app label
and table names are those of the former ``models.py``.
"""

from segments.models.attributes import AttributeDefinition, FriendAttribute
from segments.models.campaigns import CampaignLink, CampaignVisit
from segments.models.events import CustomEvent
from segments.models.follower_syncs import FollowerSync
from segments.models.friend_links import FriendLink, FriendLinkCode
from segments.models.friend_tags import FriendTag
from segments.models.friends import Friend, FriendErasure, FriendStatusChange
from segments.models.interactions import Interaction
from segments.models.rfm import RfmScore
from segments.models.segments import Segment
from segments.models.sending_rules import SendingRules
from segments.models.tag_rules import TagRule, TagRuleBackfill
from segments.models.tags import Tag, TagCoverageSnapshot, TagFamily

__all__ = [
    "AttributeDefinition",
    "CampaignLink",
    "CampaignVisit",
    "CustomEvent",
    "FollowerSync",
    "Friend",
    "FriendAttribute",
    "FriendErasure",
    "FriendLink",
    "FriendLinkCode",
    "FriendStatusChange",
    "FriendTag",
    "Interaction",
    "RfmScore",
    "Segment",
    "SendingRules",
    "Tag",
    "TagCoverageSnapshot",
    "TagFamily",
    "TagRule",
    "TagRuleBackfill",
]
