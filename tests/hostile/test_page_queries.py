"""Every page (each GET URL of the URL conf) with hostile values in each query parameter it
reads, and every parameter name the project knows at once: never a 5xx (and under /api/, a
4xx in the error envelope).

Parameter names are found by watching each page read them and by reading the code (see
``tests/hostile/params.py``). Per page, every fixed value is sent in all of the page's
parameters at once, the core values (``CORE_VALUES``) in each parameter alone, and two values
in every parameter name the project knows. Two economies keep the sweep within its time
budget, neither of which leaves a parameter unswept:
- a name every API view reads (DRF's ``format``) is read by the framework, not by the view:
  it is swept on one API URL, not on all of them;
- the schema document is regenerated on every request (about a second): it gets the first
  few fixed values only.
"""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.checks import API_PREFIX, answer_problem, describe
from tests.hostile.params import page_parameter_names, source_parameter_names
from tests.hostile.values import DEEP_JSON, FIXED_QUERY_VALUES, query_values
from tests.hostile.world import SeededWorld, seed_world

pytestmark = pytest.mark.django_db

# Route name -> how many of the fixed values it gets (see the module docstring).
EXPENSIVE_ROUTES = {"api_schema": 3}
# Sent in each parameter alone (the others absent): one of each kind of hostile value.
CORE_VALUES = ["NaN", "a\x00b", "1e999999999", "9999-12-31", DEEP_JSON, ["1", "-inf"]]
# Sent in every parameter name the project knows at once, to every page.
ALL_AT_ONCE_VALUES = ["NaN", "a\x00b"]

_found: dict[str, set[str]] = {}


@pytest.fixture
def seeded(workspace, account) -> SeededWorld:
    return seed_world(workspace, account)


def _client(seeded: SeededWorld) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(seeded.owner)
    return client


def _parameters(client: Client, seeded: SeededWorld) -> dict[str, set[str]]:
    """Per route name, the parameters its page reads (found once per test session: the
    seeded world is the same in every test)."""
    for page in seeded.pages:
        if page.name not in _found:
            _found[page.name] = page_parameter_names(client, page.url)
    api = [_found[page.name] for page in seeded.pages if page.url.startswith(API_PREFIX)]
    framework = set.intersection(*api) if api else set()
    first_api = next(page.name for page in seeded.pages if page.url.startswith(API_PREFIX))
    return {
        page.url: _found[page.name]
        - (framework if page.url.startswith(API_PREFIX) and page.name != first_api else set())
        for page in seeded.pages
    }


def _get(client: Client, url: str, query: dict) -> str | None:
    response = client.get(url, query)
    return answer_problem(response, describe("GET", url, str(query)))


def test_parameters_are_found_for_the_pages_that_read_them(seeded):
    """The discovery the sweep relies on sees what known pages read (a test that fails if the
    recording stopped working and the sweep silently sent nothing)."""
    found = _parameters(_client(seeded), seeded)
    by_name = {page.name: found[page.url] for page in seeded.pages}
    assert {"q", "status", "tag", "attr", "attr_value", "page"} <= by_name["account_friends"]
    assert {"from", "to", "range", "chart"} <= by_name["account_insights"]
    assert "workspace" in by_name["api_portfolio"]
    assert {"page", "sort", "download", "rules"} <= source_parameter_names()
    assert sum(len(names) for names in found.values()) > 40


def test_fixed_hostile_values_in_every_parameter_of_every_page(seeded):
    client = _client(seeded)
    found = _parameters(client, seeded)
    every_name = source_parameter_names().union(*found.values())
    problems = []
    for page in seeded.pages:
        limit = EXPENSIVE_ROUTES.get(page.name)
        names = sorted(found[page.url])
        if names:
            for value in FIXED_QUERY_VALUES[:limit]:
                problems.append(_get(client, page.url, dict.fromkeys(names, value)))
        for value in CORE_VALUES[:limit] if len(names) > 1 else []:
            for name in names:
                problems.append(_get(client, page.url, {name: value}))
        for value in ALL_AT_ONCE_VALUES[:limit]:
            problems.append(_get(client, page.url, dict.fromkeys(every_name, value)))
    problems = [problem for problem in problems if problem]
    assert not problems, f"{len(problems)} failures:\n" + "\n".join(problems[:40])


def test_generated_hostile_values_in_page_parameters(seeded):
    """Hypothesis picks a page and sets one to three of its parameters at once, so values
    that only matter together (``attr`` with ``attr_value``, ``from`` with ``to``) meet."""
    client = _client(seeded)
    found = _parameters(client, seeded)
    pages = sorted(
        (page.url, tuple(sorted(found[page.url])))
        for page in seeded.pages
        if found[page.url] and page.name not in EXPENSIVE_ROUTES
    )
    plain = st.sampled_from(["score", "city", "signup", "1", "2025-06-01", "7", "week", "csv"])

    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(page=st.sampled_from(pages), data=st.data())
    def probe(page, data):
        url, names = page
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        query = {name: data.draw(query_values | plain, label=name) for name in chosen}
        problem = _get(client, url, query)
        assert problem is None, problem

    probe()
