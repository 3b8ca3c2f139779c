from richmenus.models.menu import (
    RichMenu,
    RichMenuArea,
    RichMenuLinkClick,
    RichMenuSchedule,
    RichMenuTabSet,
)
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
    "RichMenuLinkClick",
    "RichMenuRule",
    "RichMenuSchedule",
    "RichMenuTabSet",
    "RichMenuTap",
]
