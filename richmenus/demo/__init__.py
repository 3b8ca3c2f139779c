"""The rich menus of the demo (``seed_demo``): ``design`` builds each demo OA's tabbed menu."""
