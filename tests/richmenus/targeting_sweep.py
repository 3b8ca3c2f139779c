"""Rich menu targeting objects for the tenant-isolation sweep (tests/oa_console/tenant_world.py)."""


def build_rich_menu_rule(workspace, account):
    from richmenus.models import RichMenu, RichMenuRule
    from segments.models import Segment

    menu = RichMenu.unscoped.create(
        account=account,
        name="Gold",
        chat_bar_text="Menu",
        status=RichMenu.Status.PUBLISHED,
        line_rich_menu_id=f"richmenu-sweep{account.pk}",
    )
    segment = Segment.unscoped.create(account=account, name="Gold", rules={"all": []})
    return RichMenuRule.unscoped.create(
        account=account, kind=RichMenuRule.Kind.SEGMENT, segment=segment, menu=menu
    )


def build_rich_menu_assignment(workspace, account):
    from richmenus.models import RichMenuAssignment

    return RichMenuAssignment.unscoped.create(account=account)
