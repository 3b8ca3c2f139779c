"""The journey pages: one module per page (lists, new, detail and its actions, enrolments,
webhook secrets, the builder) plus the friend page's journey panel."""
