"""Finding the friend a test goes to: a broadcast's "Send a test" and a journey's "Test with one
friend" both search the OA's following friends by name, LINE user ID or member ID and list a
page of matches, each with a button (the markup: ``components/friend_picker.html``).

The search lives in the page's query string (``?test_q=``, ``?test_page=``) so that the panel
works without JavaScript and htmx only swaps the results.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from segments.models import Friend
from segments.selectors.friends import friend_list

FRIENDS_PER_PAGE = 10
SEARCH_MAX = 100


class FriendSearchForm(forms.Form):
    """``?test_q=`` (text without NUL characters, which PostgreSQL cannot compare: it was a
    500) and ``?test_page=``."""

    test_q = forms.CharField(required=False, max_length=SEARCH_MAX, strip=True)


def _search(request: HttpRequest) -> tuple[str, str]:
    """The search as typed (cut to its length) and the error that keeps it from running."""
    form = FriendSearchForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["test_q"], ""
    typed = str(request.GET.get("test_q", "")).replace("\x00", "").strip()[:SEARCH_MAX]
    return typed, " ".join(form.errors["test_q"])


def _friends_page(request: HttpRequest, query: str) -> Page:
    friends = friend_list(account=request.account, search=query, status=Friend.Status.FOLLOWING)
    return Paginator(friends, FRIENDS_PER_PAGE).get_page(request.GET.get("test_page"))


def friend_picker_context(request: HttpRequest) -> dict:
    """``test_q`` as typed, ``test_q_error`` when it cannot run, and ``test_friends``: the page
    of following friends it finds (None before a search, or for one that cannot run)."""
    query, error = _search(request)
    return {
        "test_q": query,
        "test_q_error": error,
        "test_friends": _friends_page(request, query) if query and not error else None,
    }
