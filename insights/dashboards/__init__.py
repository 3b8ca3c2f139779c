"""The Insights dashboards: page and chart definitions (``pages``), chart figures (``charts``),
the cross-OA portfolio table (``portfolio``) and the pages' views (``views``)."""
