"""Reads of rich menus (``menus``)."""
