"""``seed_auto_reply_history``: weeks of auto-replies in each demo OA's chats (``seed_demo``).

The scripted chats (``seed_chats``) were answered by people only, so the Chats insights had no
automatic answers to count. After the rules exist (``seed_auto_replies``), a few more friends
of each OA are given histories the OA's own rules answer: a greeting when they added the OA,
then a keyword or a rich menu tap answered within about a second, a message after hours that
the away message answers before a person follows up the next morning, a request for staff
that hands the chat over, and a question no rule answers, which a person answers minutes
later. Which rule answers is decided by the real matching (``rule_for`` and the OA's business
hours), and every message goes through the services real messages take, so each answer to a
waiting friend stores how long they waited (``responded_after``) and the sessions, unread
counts and search index follow.

Seeded random generator per OA; an OA that already has this history is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from inbox.autoreplies.answering import auto_reply_handover_end
from inbox.autoreplies.hours import hours_open, windows_from
from inbox.autoreplies.matching import FOLLOW, MESSAGE, POSTBACK, AutoReplyEvent, rule_for
from inbox.autoreplies.selectors import auto_reply_rules_enabled, business_hours_get
from inbox.demo import AGENT_OA, CONVERSATIONS
from inbox.demo.texts import LANGUAGE_BY_OA
from inbox.models import AutoReplyHandover, AutoReplyRule, Conversation, ConversationMessage
from inbox.services.ingestion import Inbound, inbound_messages_record
from inbox.services.outbound import outbound_messages_record
from inbox.services.sessions import session_resolve
from oa_console.line.messages import personalise
from oa_console.tenancy import tenant_scope
from segments.models import Friend

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DEMO_ORDER = 63  # after the auto-reply rules and business hours (62)
EVENT_PREFIX = "demo-auto-"
HISTORY_DAYS = 20
SentBy = ConversationMessage.SentBy


@dataclass(frozen=True)
class Scenario:
    """One friend's history: ``(FOLLOW,)``, ``("text", text)``, ``("postback", data)`` or
    ``("person", text)`` (a team member answers), in order. ``night``: it starts after
    business hours (so the away message answers and the person writes the next morning)."""

    steps: tuple[tuple[str, ...], ...]
    night: bool = False
    resolved: bool = True


def _person_follows_up(ask: tuple, answer: str, *, night: bool = False) -> Scenario:
    return Scenario((ask, ("person", answer)), night=night)


HISTORIES: dict[str, list[Scenario]] = {
    "ja": [
        Scenario(((FOLLOW,), ("text", "営業時間は何時までですか?"))),
        Scenario(((FOLLOW,), ("postback", "menu=spring-set"))),
        _person_follows_up(
            ("text", "注文 #10431 の配送状況を教えてください"),
            "お待たせいたしました。本日発送いたしました。",
        ),
        _person_follows_up(
            ("text", "返品の方法を教えてください"),
            "おはようございます。返品は商品到着後 14 日以内に承ります。",
            night=True,
        ),
        Scenario((("text", "スタッフの方と話せますか?"),), resolved=False),
        _person_follows_up(
            ("text", "敏感肌でも使える化粧水はどれですか?"),
            "「モイストローション」がおすすめです。店頭でサンプルもお渡しできます。",
        ),
    ],
    "zh_Hant": [
        Scenario(((FOLLOW,), ("text", "請問營業時間到幾點?"))),
        Scenario(
            (
                (FOLLOW,),
                ("text", "想預約週日早午餐 2 位"),
                ("person", "好的,已為您保留週日 11:00 兩位,期待您的光臨!"),
            )
        ),
        _person_follows_up(
            ("text", "外帶可以用電話訂嗎?"),
            "早安!可以的,請撥 02-2345-6789,我們會幫您準備好。",
            night=True,
        ),
        Scenario((("text", "我要找真人客服"),), resolved=False),
        _person_follows_up(
            ("text", "店裡有插座和 Wi-Fi 嗎?"),
            "有的,每個座位都有插座,Wi-Fi 密碼印在收據上。",
        ),
    ],
    "th": [
        Scenario(((FOLLOW,), ("text", "ขอตารางคลาสสัปดาห์นี้หน่อยค่ะ"))),
        Scenario(
            (
                (FOLLOW,),
                ("text", "ค่าสมาชิกราคาเท่าไหร่ครับ"),
                ("person", "สนใจทดลองเล่นฟรีวันเสาร์นี้ไหมครับ จะได้ลองก่อนสมัคร"),
            )
        ),
        _person_follows_up(
            ("text", "พรุ่งนี้เปิดกี่โมงคะ"),
            "สวัสดีตอนเช้าค่ะ วันนี้เปิด 10 โมงค่ะ",
            night=True,
        ),
        Scenario((("text", "ขอคุยกับแอดมินหน่อยครับ"),), resolved=False),
        _person_follows_up(
            ("text", "มีที่จอดรถไหมคะ"),
            "มีที่จอดรถใต้อาคารค่ะ จอดฟรี 2 ชั่วโมง",
        ),
    ],
}
HISTORIES["ja_tea"] = [
    *HISTORIES["ja"][:5],
    _person_follows_up(
        ("text", "水出しに向いている茶葉はどれですか?"),
        "「雲の煎茶」がおすすめです。冷水 1 リットルに 10 g で 3 時間ほどです。",
    ),
]


class _History:
    """One OA's seeding: its rules, hours and clock, and the message counter of each friend."""

    def __init__(self, account, rng: random.Random, answerer) -> None:
        self.account, self.rng, self.answerer = account, rng, answerer
        self.rules = auto_reply_rules_enabled(account=account)
        hours = business_hours_get(account=account)
        self.windows = windows_from(hours.windows) if hours else []
        self.closed = [date.fromisoformat(day) for day in hours.closed_dates] if hours else []
        self.zone = ZoneInfo(account.time_zone)

    def start(self, scenario: Scenario) -> datetime:
        """A weekday of the last weeks, in the afternoon or (``night``) late in the evening."""
        today = timezone.now().astimezone(self.zone).date()
        day = today - timedelta(days=self.rng.randint(2, HISTORY_DAYS))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        at = (
            time(22, self.rng.randint(0, 50))
            if scenario.night
            else time(self.rng.randint(11, 15), self.rng.randint(0, 59))
        )
        return datetime.combine(day, at, tzinfo=self.zone)

    def _open(self, moment: datetime) -> bool:
        return hours_open(
            windows=self.windows,
            closed_dates=self.closed,
            time_zone=self.account.time_zone,
            moment=moment,
        )

    def auto_answer(
        self, friend: Friend, event: AutoReplyEvent, at: datetime
    ) -> AutoReplyRule | None:
        """The rule's answer about a second after the event, as ``answering`` records it."""
        rule = rule_for(self.rules, event, open_now=self._open(at))
        if rule is None:
            return None
        rows = outbound_messages_record(
            account=self.account,
            friend_id=friend.pk,
            messages=personalise(rule.messages, friend.display_name),
            sent_by=SentBy.AUTO_REPLY,
            occurred_at=at + timedelta(milliseconds=self.rng.randint(600, 1800)),
        )
        ConversationMessage.objects.for_account(self.account).filter(
            pk__in=[row.pk for row in rows]
        ).update(auto_reply_rule=rule, auto_reply_kind=rule.kind)
        if rule.hand_over:
            conversation = Conversation.objects.for_account(self.account).get(friend=friend)
            conversation.status = Conversation.Status.OPEN
            conversation.save(update_fields=["status", "updated_at"])
            AutoReplyHandover.objects.for_account(self.account).update_or_create(
                conversation=conversation,
                defaults={
                    "account": self.account,
                    "rule": rule,
                    "rule_name": rule.name,
                    "handed_over_at": at,
                },
            )
        return rule

    def friend_writes(self, friend: Friend, n: int, step: tuple, at: datetime) -> None:
        kind, value = step
        postback = kind == POSTBACK
        inbound_messages_record(
            account=self.account,
            items=[
                Inbound(
                    event_key=f"{EVENT_PREFIX}{friend.pk}-{n}",
                    friend_id=friend.pk,
                    message_type=kind,
                    line_message_id="" if postback else f"9{friend.pk}{n:04d}",
                    text=value,
                    payload={"data": value} if postback else {},
                    occurred_at=at,
                )
            ],
        )
        event = (
            AutoReplyEvent(POSTBACK, data=value)
            if postback
            else AutoReplyEvent(MESSAGE, text=value)
        )
        self.auto_answer(friend, event, at)

    def person_answers(self, friend: Friend, text: str, at: datetime) -> None:
        outbound_messages_record(
            account=self.account,
            friend_id=friend.pk,
            messages=[{"type": "text", "text": text}],
            sent_by=SentBy.MANUAL,
            sent_by_user=self.answerer,
            occurred_at=at,
        )

    def play(self, friend: Friend, scenario: Scenario) -> datetime:
        """The scenario's messages in order; returns the time of the last one."""
        at = self.start(scenario)
        for n, step in enumerate(scenario.steps):
            if step == (FOLLOW,):
                self.auto_answer(friend, AutoReplyEvent(FOLLOW), at)
            elif step[0] == "person":
                if scenario.night:  # the next morning, soon after the OA opens
                    morning = datetime.combine(at.date() + timedelta(days=1), time(10), self.zone)
                    at = morning + timedelta(minutes=self.rng.randint(5, 40))
                else:
                    at += timedelta(minutes=self.rng.randint(3, 45))
                self.person_answers(friend, step[1], at)
            else:
                at += timedelta(minutes=self.rng.randint(1, 6)) if n else timedelta()
                self.friend_writes(friend, n, step, at)
        return at

    def resolve(self, friend: Friend, last: datetime) -> None:
        conversation = Conversation.objects.for_account(self.account).get(friend=friend)
        session_resolve(
            account=self.account, conversation=conversation, at=last + timedelta(hours=2)
        )
        auto_reply_handover_end(account=self.account, conversation_id=conversation.pk)
        conversation.status = Conversation.Status.RESOLVED
        conversation.unread_count = 0
        conversation.save(update_fields=["status", "unread_count", "updated_at"])


def _seed_account(account, language: str, answerer, rng: random.Random) -> int:
    history = _History(account, rng, answerer)
    messages = ConversationMessage.objects.for_account(account)
    before = messages.count()
    scenarios = HISTORIES[language]
    # The friends after those of the scripted chats: new conversations of their own.
    friends = Friend.objects.for_account(account).filter(status=Friend.Status.FOLLOWING)
    chosen = list(friends.order_by("pk")[CONVERSATIONS : CONVERSATIONS + len(scenarios)])
    for friend, scenario in zip(chosen, scenarios, strict=False):
        last = history.play(friend, scenario)
        if scenario.resolved:
            history.resolve(friend, last)
    return messages.count() - before


def seed_auto_reply_history(demo: DemoTenancy) -> int:
    total = 0
    for slug, account in demo.accounts.items():
        with tenant_scope(workspace=account.workspace, account=account), transaction.atomic():
            seeded = ConversationMessage.objects.for_account(account).filter(
                event_key__startswith=EVENT_PREFIX
            )
            if seeded.exists():
                continue
            email = "agent@demo.example" if slug == AGENT_OA else "owner@demo.example"
            rng = random.Random(f"auto-reply-history-{slug}")
            total += _seed_account(
                account, LANGUAGE_BY_OA.get(slug, "ja"), demo.users.get(email), rng
            )
    return total
