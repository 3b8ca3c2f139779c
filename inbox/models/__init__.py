from inbox.models.conversation import Conversation
from inbox.models.message import ConversationMessage

__all__ = ["Conversation", "ConversationMessage"]
