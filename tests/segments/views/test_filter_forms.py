"""Bad filter values on the friends list and its CSV export (issue 14, defect 5): each is a
field error shown beside the filters, never a 500 or a download that stops mid-file."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from segments.models import AttributeDefinition, FriendAttribute
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(account):
    """Two friends with a number attribute ``score`` (0 and 100)."""
    definition = AttributeDefinition.unscoped.create(
        account=account, key="score", label="Score", type="number"
    )
    friends = []
    for n, value in enumerate(("0", "100")):
        friend = FriendFactory(account=account, display_name=f"Scored {n}")
        FriendAttribute.unscoped.create(
            account=account, friend=friend, definition=definition, value_number=Decimal(value)
        )
        friends.append(friend)
    return friends


def _url(account, name: str) -> str:
    return reverse(name, args=[account.workspace.slug, account.slug])


@pytest.mark.parametrize(
    "value", ["NaN", "nan", "Infinity", "-Infinity", "-inf", "1e999999999", "1e15", "\x00"]
)
def test_a_number_the_attribute_cannot_hold_is_a_field_error(owner_client, account, scored, value):
    response = owner_client.get(
        _url(account, "account_friends"), {"attr": "score", "attr_value": value}
    )
    assert response.status_code == 200
    form = response.context["filter_form"]
    assert "attr_value" in form.errors
    assert b'data-testid="filter-errors"' in response.content
    assert "Scored 0" not in response.content.decode()  # no one holds such a value


def test_a_valid_number_still_filters(owner_client, account, scored):
    response = owner_client.get(
        _url(account, "account_friends"), {"attr": "score", "attr_value": "100"}
    )
    body = response.content.decode()
    assert "Scored 1" in body and "Scored 0" not in body
    assert not response.context["filter_form"].errors


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e999999999"])
def test_the_export_with_a_bad_number_is_400_not_a_broken_file(
    owner_client, account, scored, value
):
    response = owner_client.get(
        _url(account, "friend_export"), {"attr": "score", "attr_value": value}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "attr_value" in response.context["filter_form"].errors


def test_the_export_with_a_good_filter_is_the_whole_file(owner_client, account, scored):
    response = owner_client.get(
        _url(account, "friend_export"), {"attr": "score", "attr_value": "100"}
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Scored 1" in text and "Scored 0" not in text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "\x00"}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"tag": "99999999999999999999"}, "tag"),
        ({"tag": "-1"}, "tag"),
        ({"status": "NaN"}, "status"),
    ],
)
def test_other_bad_filters_are_field_errors(owner_client, account, scored, params, field):
    response = owner_client.get(_url(account, "account_friends"), params)
    assert response.status_code == 200
    assert field in response.context["filter_form"].errors
    # The invalid filter is left out: the list is the unfiltered one.
    assert "Scored 0" in response.content.decode()


def test_a_date_attribute_out_of_range_is_a_field_error(owner_client, account):
    AttributeDefinition.unscoped.create(account=account, key="signup", label="Signup", type="date")
    for value in ("9999-12-31", "0001-01-01", "2025-02-30"):
        response = owner_client.get(
            _url(account, "account_friends"), {"attr": "signup", "attr_value": value}
        )
        assert response.status_code == 200
        assert "attr_value" in response.context["filter_form"].errors, value
