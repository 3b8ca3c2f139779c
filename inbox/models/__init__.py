from inbox.models.answer import OutboundAnswer, SavedReply
from inbox.models.auto_reply import AutoReplyHandover, AutoReplyRule
from inbox.models.business_hours import BusinessHours
from inbox.models.conversation import Conversation
from inbox.models.message import ConversationMessage
from inbox.models.reply_token import ReplyTokenUse

__all__ = [
    "AutoReplyHandover",
    "AutoReplyRule",
    "BusinessHours",
    "Conversation",
    "ConversationMessage",
    "OutboundAnswer",
    "ReplyTokenUse",
    "SavedReply",
]
