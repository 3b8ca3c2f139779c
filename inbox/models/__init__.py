from inbox.models.answer import OutboundAnswer, SavedReply
from inbox.models.auto_reply import AutoReplyHandover, AutoReplyRule, AutoReplySend
from inbox.models.business_hours import BusinessHours
from inbox.models.conversation import Conversation
from inbox.models.media import ChatRetention, MessageContent
from inbox.models.message import ConversationMessage
from inbox.models.reply_token import ReplyTokenUse
from inbox.models.search import MessageSearch
from inbox.models.team import (
    AssignmentTurn,
    ConversationNote,
    ConversationSession,
    InboxAvailability,
    InboxTeamSettings,
    NoteMention,
)

__all__ = [
    "AssignmentTurn",
    "AutoReplyHandover",
    "AutoReplyRule",
    "AutoReplySend",
    "BusinessHours",
    "ChatRetention",
    "Conversation",
    "ConversationMessage",
    "ConversationNote",
    "ConversationSession",
    "InboxAvailability",
    "InboxTeamSettings",
    "MessageContent",
    "MessageSearch",
    "NoteMention",
    "OutboundAnswer",
    "ReplyTokenUse",
    "SavedReply",
]
