from inbox.models.answer import OutboundAnswer, SavedReply
from inbox.models.conversation import Conversation
from inbox.models.media import ChatRetention, MessageContent
from inbox.models.message import ConversationMessage
from inbox.models.reply_token import ReplyTokenUse

__all__ = [
    "ChatRetention",
    "Conversation",
    "ConversationMessage",
    "MessageContent",
    "OutboundAnswer",
    "ReplyTokenUse",
    "SavedReply",
]
