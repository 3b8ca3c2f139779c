"""Rich menus: the menu at the bottom of a friend's chat. Designs (image, tap areas, actions),
tabs joined by aliases, the OA's default menu and its schedule, menus per segment applied to
each friend through LINE's per-user and bulk link endpoints, and taps per area."""
