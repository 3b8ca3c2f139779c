"""Fixtures of the import tests: the CRM world member data is matched against, and both paths
that save member data."""

from __future__ import annotations

import pytest

from tests.segments.crm_world import build_crm_world


@pytest.fixture
def world(account):
    return build_crm_world(account)


@pytest.fixture(params=["set-based", "generic"])
def apply_path(request, monkeypatch):
    """Saving member data has a PostgreSQL path and a generic one; both must agree."""
    from insights.imports.members import apply as member_apply

    if request.param == "generic":
        monkeypatch.setattr(member_apply, "set_based", lambda: False)
    return request.param
