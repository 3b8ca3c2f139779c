"""The one web-link check (issue 14, defect 10): parsed, never prefix-matched."""

from __future__ import annotations

import pytest

from oa_console.links import MAX_IMAGE_URL_LENGTH, MAX_LINK_LENGTH, WebLinkField, link_error

ACCEPTED = [
    "https://shop.example/sale",
    "http://shop.example",
    "https://shop.example:8443/a?b=c#d",
    "https://例え.jp/セール",
    "https://[2001:db8::1]/x",
    "https://shop.example/" + "a" * (MAX_LINK_LENGTH - len("https://shop.example/")),
]
REFUSED = [
    ("httpjavascript:alert(1)", "must start with https:// or http://"),
    ("javascript:alert(1)", "must start with https:// or http://"),
    ("JavaScript:alert(1)", "must start with https:// or http://"),
    ("data:text/html,<script>alert(1)</script>", "must start with"),
    ("tel:+81312345678", "must start with"),
    ("line://ti/p/@oa", "must start with"),
    ("ftp://files.example/x", "must start with"),
    ("HTTPS://shop.example", "must start with"),
    ("https:shop.example", "must name a website"),
    ("https:///path", "must name a website"),
    ("https://", "must name a website"),
    ("https://shop.example@evil.example/", "user name or password"),
    ("https://user:pw@shop.example/", "user name or password"),
    ("https://shop.example:99999/", "not a valid link"),
    ("https://shop.example:0/", "must name a website"),
    ("https://[::1/", "not a valid link"),
    ("https://<script>/", "must name a website"),
    ("https://shop.example/a b", "spaces or control characters"),
    ("https://shop.example/\ta", "spaces or control characters"),
    ("https://shop.example/\r\nSet-Cookie: x", "spaces or control characters"),
    ("https://shop.example/\x00", "spaces or control characters"),
    ("https://shop.example/\u200b", "spaces or control characters"),
    (" https://shop.example", "spaces or control characters"),
    ("https://shop.example/" + "a" * MAX_LINK_LENGTH, "at most 1000 characters"),
    ("", "Enter a link"),
    (None, "Enter a link"),
    (42, "Enter a link"),
]


@pytest.mark.parametrize("url", ACCEPTED)
def test_web_links_are_accepted(url):
    assert link_error(url) is None


@pytest.mark.parametrize("url,reason", REFUSED)
def test_anything_else_is_refused_with_the_reason(url, reason):
    problem = link_error(url)
    assert problem is not None and reason in problem, problem


def test_images_need_https_and_may_be_longer():
    assert "https://" in link_error("http://img.example/a.jpg", https_only=True)
    long = "https://img.example/" + "a" * (MAX_IMAGE_URL_LENGTH - 20)
    assert link_error(long, max_length=MAX_IMAGE_URL_LENGTH, https_only=True) is None
    assert link_error(long + "aa", max_length=MAX_IMAGE_URL_LENGTH, https_only=True)


def test_the_form_field_assumes_https_but_never_rewrites_a_link():
    field = WebLinkField(required=False)
    assert field.clean("shop.example/sale") == "https://shop.example/sale"
    assert field.clean("") == ""
    for bad in ("httpjavascript:alert(1)", "https://shop.exa\nmple.com", "ftp://x.example"):
        with pytest.raises(Exception) as error:
            field.clean(bad)
        assert error.typename == "ValidationError"
