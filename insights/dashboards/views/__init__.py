"""Views of the Insights pages, one module per page family (overview and chart-only pages,
friends, broadcasts and a broadcast's detail, coupons), the helpers they share (``common``) and
the workspace portfolio."""
