"""bench/inbox.py's parts that decide its figures: the search terms' known frequencies in the
generated texts, and the fake LINE server's timing of each reply token's reply."""

from __future__ import annotations

import json
import threading

from bench import _inbox_data as data
from bench._line_fake import _time_replies
from tests.fakes.line_server import FakeLineServer


def test_the_search_terms_have_the_frequencies_the_bench_states():
    texts = [data.pool_text(index) for index in range(data.POOL)]
    with_order = [text for index, text in enumerate(texts) if f"A{index:07d}" in text]
    assert len(with_order) > 0.85 * data.POOL  # 8 templates of 9 name an order
    assert sum("A0012345" in text for text in texts) == 1
    coupon = sum(data.coupon_code(777) in text for text in texts)
    assert 10 <= coupon <= 25  # 5 templates of 9, once per COUPONS texts
    assert len({data.coupon_code(index) for index in range(data.COUPONS)}) == data.COUPONS
    for product in ("ほうじ茶ラテ", "芒果冰沙", "เค้กช็อกโกแลต"):
        share = sum(product in text for text in texts) / len(texts)
        assert abs(share - 1 / len(data.PRODUCTS)) < 0.002, product


def _reply(server: FakeLineServer, token: str) -> int:
    body = {"replyToken": token, "messages": [{"type": "text", "text": "Open 10-20"}]}
    headers = {"Authorization": "Bearer token", "Content-Type": "application/json"}
    return server.dispatch(
        "POST", "/v2/bot/message/reply", headers, json.dumps(body).encode()
    ).status


def test_the_fake_times_each_token_once_and_counts_refused_replies():
    server = FakeLineServer()  # dispatch() needs no listening socket
    replied = _time_replies(server, threading.Lock())

    assert _reply(server, "a" * 32) == 200
    assert _reply(server, "a" * 32) == 400  # LINE refuses a reply token's second use
    assert _reply(server, "b" * 32) == 200

    assert set(replied["accepted"]) == {"a" * 32, "b" * 32}
    assert replied["refused"] == 1
