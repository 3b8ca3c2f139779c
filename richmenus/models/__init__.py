from richmenus.models.menu import (
    RichMenu,
    RichMenuArea,
    RichMenuLinkClick,
    RichMenuSchedule,
    RichMenuTabSet,
)

__all__ = ["RichMenu", "RichMenuArea", "RichMenuLinkClick", "RichMenuSchedule", "RichMenuTabSet"]
