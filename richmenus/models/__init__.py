from richmenus.models.menu import RichMenu, RichMenuArea
from richmenus.models.targeting import (
    FriendRichMenu,
    RichMenuAssignment,
    RichMenuRule,
    RichMenuTap,
)

__all__ = [
    "FriendRichMenu",
    "RichMenu",
    "RichMenuArea",
    "RichMenuAssignment",
    "RichMenuRule",
    "RichMenuTap",
]
