"""Workspace pages of the insights app, mounted at /w/<workspace>/: the portfolio."""

from django.urls import path

from insights.dashboards.views import portfolio

urlpatterns = [
    path("portfolio/", portfolio.portfolio_page, name="workspace_portfolio"),
]
