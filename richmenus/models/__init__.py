from richmenus.models.menu import RichMenu, RichMenuArea

__all__ = ["RichMenu", "RichMenuArea"]
