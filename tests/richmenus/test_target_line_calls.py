"""The per-user rich menu calls (oa_console/line/rich_menu_links.py) against the fake LINE
server, which validates each request against messaging-api.yml: LINE's answers, errors
included, come back classified."""

import pytest

from oa_console.line import rich_menu_links as line
from tests.fakes.line_rich_menu_links import RichMenuLinkScript

FRIEND = "U" + "1" * 32
STRANGER = "U" + "2" * 32


@pytest.fixture
def script(fake_line):
    return RichMenuLinkScript(menus={"richmenu-gold1"}, friends={FRIEND}).install(fake_line)


def test_link_and_unlink_one_user(account, script, fake_line):
    outcome = line.rich_menu_link_user(
        account=account, line_user_id=FRIEND, rich_menu_id="richmenu-gold1"
    )
    assert outcome.accepted and outcome.status == 200
    assert script.links == {FRIEND: "richmenu-gold1"}
    assert line.rich_menu_unlink_user(account=account, line_user_id=FRIEND).accepted
    assert script.links == {}
    assert [r.operation_id for r in fake_line.requests] == [
        "linkRichMenuIdToUser",
        "unlinkRichMenuIdFromUser",
    ]


def test_bulk_link_is_accepted_with_202_and_skips_strangers(account, script):
    outcome = line.rich_menu_bulk_link(
        account=account, line_user_ids=[FRIEND, STRANGER], rich_menu_id="richmenu-gold1"
    )
    assert outcome.accepted and outcome.status == 202
    assert script.links == {FRIEND: "richmenu-gold1"}
    outcome = line.rich_menu_bulk_unlink(account=account, line_user_ids=[FRIEND])
    assert outcome.accepted and outcome.status == 202 and script.links == {}


def test_unknown_menu_is_refused_with_lines_message(account, script):
    outcome = line.rich_menu_bulk_link(
        account=account, line_user_ids=[FRIEND], rich_menu_id="richmenu-gone"
    )
    assert outcome.kind == "rejected" and outcome.status == 404
    assert outcome.message == "richmenu not found"
    one = line.rich_menu_link_user(account=account, line_user_id=FRIEND, rich_menu_id="bad id")
    assert one.kind == "rejected" and one.status in (400, 404)


def test_malformed_user_id_is_a_400(account, script):
    outcome = line.rich_menu_bulk_link(
        account=account, line_user_ids=["not-a-user"], rich_menu_id="richmenu-gold1"
    )
    assert outcome.kind == "rejected" and outcome.status == 400
    assert "userIds[0]" in outcome.message


def test_rate_limit_and_server_errors_say_retry_later(account, script, fake_line):
    script.rate_limit = (1, 60)
    first = line.rich_menu_link_user(
        account=account, line_user_id=FRIEND, rich_menu_id="richmenu-gold1"
    )
    second = line.rich_menu_link_user(
        account=account, line_user_id=FRIEND, rich_menu_id="richmenu-gold1"
    )
    assert first.accepted and second.kind == "rate_limited" and second.retry_later
    fake_line.fail_next("linkRichMenuIdToUsers", status=500)
    outcome = line.rich_menu_bulk_link(
        account=account, line_user_ids=[FRIEND], rich_menu_id="richmenu-gold1"
    )
    assert outcome.kind == "transient" and outcome.retry_later


def test_bulk_calls_take_one_to_500_ids(account, script):
    with pytest.raises(ValueError):
        line.rich_menu_bulk_link(account=account, line_user_ids=[], rich_menu_id="richmenu-gold1")
    with pytest.raises(ValueError):
        line.rich_menu_bulk_unlink(account=account, line_user_ids=[FRIEND] * 501)


def test_bulk_link_has_its_own_limiter_bucket(account):
    # LINE meters each endpoint on its own: pushes using up "default" leave bulk link alone.
    from oa_console.line.limiter import rate_limit_acquire

    assert rate_limit_acquire(account, "default", 2000).granted == 2000
    assert line.rich_menu_rate_acquire(account, line.BULK_LINK, 2000).granted == 2000
    assert not line.rich_menu_rate_acquire(account, line.BULK_LINK, 1).allowed
