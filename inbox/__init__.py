"""Chats: friends' 1:1 conversations with an OA (``Conversation``, ``ConversationMessage``),
fed by the activity hub, read in the inbox pages and the API."""
