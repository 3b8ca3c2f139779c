"""The browser tour over the demo (``test_tour.py``; the logins and routes it tours in
``demo_routes.py``, the served site in ``site.py``, one page's checks in ``checks.py``): every page of the console, as a newcomer meets it.

``seed_demo`` loads the demo once for the module; one Chromium visits every page as each demo
login at 1,366 px and at 390 px, in English but for four of those tours, which go in the four
other languages (``OTHER_LANGUAGE_TOURS``). Each page fails the tour on:

- an HTTP status other than the one the login's role expects (200, or 403 for a page its role
  may not open: ``PAGE_CAPABILITIES``);
- a JavaScript error, a console error or a failed request;
- sideways scrolling (the document wider than the window), naming the elements that stick out;
- a Plotly chart that draws no point (or a line chart with a single point), a chart box that
  was never drawn, or a trace type the vendored Plotly bundle does not carry;
- text that looks like a raw code (``RAW_CODE_PATTERNS``);
- on a non-English page, English text: a run of words that are all the console's own English
  (the msgids of its catalogue), at least one of which the language's translations never use,
  and that is not the demo's own content (names, broadcast titles…) or an allowed word
  (``ALLOWED_WORDS``: brands, units). The language switcher is ``translate="no"``.

The pages come from the URL configuration, like the tenant sweep: every named route that
answers a GET with an HTML page for the owner is toured (405 = a form's action, 3xx = an alias,
a download's path ends in ``.csv``/``.svg``…), its object ids taken from the demo's first object
of the login's OA (``DEMO_OBJECTS``). A new page is toured without touching this file; a new URL
kwarg needs its ``DEMO_OBJECTS`` entry (``test_every_page_kwarg_has_a_demo_object``).

All failures of a tour are collected and reported in one assertion, so one run shows all of
them. The site is served like ``make run`` serves it: static files collected, gzip-compressed
and served by WhiteNoise. ``test_first_insights_page_load`` prints the cold first load of the
Insights page (a timing print, not a timing assert).

CI runs the tour on SQLite only (marker ``browser_db_neutral``): its pages only read, and the
queries behind them are checked on both engines by ``tests/demo/test_pages.py`` (every page
this tour visits, every demo login, the same expected status, through the test client).
"""
