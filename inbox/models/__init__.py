from inbox.models.answer import OutboundAnswer, SavedReply
from inbox.models.conversation import Conversation
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
    "Conversation",
    "ConversationMessage",
    "ConversationNote",
    "ConversationSession",
    "InboxAvailability",
    "InboxTeamSettings",
    "MessageSearch",
    "NoteMention",
    "OutboundAnswer",
    "ReplyTokenUse",
    "SavedReply",
]
