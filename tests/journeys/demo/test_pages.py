"""The seeded journeys as a marketer meets them: the OA's list and each journey's page open
with the demo's figures on them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.models import Journey
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_every_seeded_journey_opens_with_its_figures(seeded, workspace, owner):
    account, _created = seeded
    client = client_for(owner)
    listing = client.get(reverse("account_journeys", args=[workspace.slug, account.slug]))
    assert listing.status_code == 200
    page = listing.content.decode()
    journeys = list(Journey.objects.for_account(account).order_by("pk"))
    for journey in journeys:
        assert journey.name in page
    for journey in journeys:
        response = client.get(
            reverse("journey_detail", args=[workspace.slug, account.slug, journey.pk])
        )
        assert response.status_code == 200, journey.name
        content = response.content.decode()
        assert journey.name in content
        # The welcome series' holdout: conversion per path, set against the control path.
        has_split = "holdout" in journey.active_version.graph["nodes"]
        assert ('data-testid="journey-arms"' in content) == has_split, journey.name
        if has_split:
            assert content.count('data-testid="arm"') == 2
            # Its paths by their labels in the OA's language (Tokyo: Japanese), on the flow
            # and in the arms' sentences, never by the outlet names "series" / "control".
            holdout = "ホールドアウト（配信なし）"  # noqa: RUF001 (Japanese parentheses)
            assert "ウェルカム配信 · 80 %" in content
            assert f"{holdout} · 20 %" in content
            assert "series · 80 %" not in content
            arms = content.split('data-testid="journey-arms"')[1].split("</section>")[0]
            assert "ウェルカム配信" in arms and holdout in arms
