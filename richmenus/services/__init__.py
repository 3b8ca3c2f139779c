"""Writes of rich menus: the design (``menus``, ``areas``), publishing to LINE (``publishing``)
and the default menu's schedules (``schedules``)."""
