"""An API view's tenant scope ends with its request, whatever the handler does: a scope left
active in the thread would be the next request's (in a gunicorn worker, the next caller's)."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from oa_console.api.base import AccountApiView
from oa_console.tenancy import current_scope

pytestmark = pytest.mark.django_db


class _BrokenApi(AccountApiView):
    def get(self, request, account_id: int):
        raise RuntimeError("a bug in a handler: DRF re-raises it, a 500")


class _TwoLookupsApi(AccountApiView):
    def get(self, request, account_id: int):
        self.get_account(account_id)  # a second look-up of the same OA
        return Response({"workspace": current_scope().workspace.slug})


def _get(view, owner, account):
    request = APIRequestFactory().get(f"/api/v1/accounts/{account.pk}/x/")
    force_authenticate(request, user=owner)
    return view.as_view()(request, account_id=account.pk)


def test_a_handler_that_raises_leaves_no_scope_behind(owner, account):
    with pytest.raises(RuntimeError):
        _get(_BrokenApi, owner, account)
    assert current_scope() is None


def test_a_second_account_look_up_leaves_no_scope_behind(owner, account):
    response = _get(_TwoLookupsApi, owner, account)
    assert response.data == {"workspace": account.workspace.slug}
    assert current_scope() is None
