from richmenus.models.menu import RichMenu, RichMenuArea, RichMenuSchedule, RichMenuTabSet

__all__ = ["RichMenu", "RichMenuArea", "RichMenuSchedule", "RichMenuTabSet"]
