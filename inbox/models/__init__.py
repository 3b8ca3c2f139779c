from inbox.models.answer import OutboundAnswer, SavedReply
from inbox.models.conversation import Conversation
from inbox.models.message import ConversationMessage
from inbox.models.reply_token import ReplyTokenUse

__all__ = [
    "Conversation",
    "ConversationMessage",
    "OutboundAnswer",
    "ReplyTokenUse",
    "SavedReply",
]
