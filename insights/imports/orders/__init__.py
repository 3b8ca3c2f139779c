"""insights.imports.orders: TODO docstring."""
