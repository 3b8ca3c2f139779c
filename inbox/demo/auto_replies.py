"""``seed_auto_replies``: each demo OA's auto-replies in its language (``seed_demo``).

A greeting for new and returning friends, keyword rules (one a regular expression, one that
tags the friend, one that hands the chat to a person), a postback rule, an away message and
business hours (weekdays and Saturday). An OA that already has rules is left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inbox.autoreplies.services import RuleInput, auto_reply_rule_create, business_hours_save
from inbox.demo.texts import LANGUAGE_BY_OA
from inbox.models import AutoReplyRule
from oa_console.tenancy import tenant_scope
from segments.models import Tag

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DEMO_ORDER = 62  # after the chats (57), saved replies (58), team work (59) and media (61)
# The tag the "talk to a person" rule adds, named in the OA's language like the rest of it.
STAFF_TAG = {"ja": "スタッフ対応希望", "zh_Hant": "要求真人客服", "th": "ขอคุยกับพนักงาน"}


def _text(text: str) -> list[dict]:
    return [{"type": "text", "text": text}]


# name, kind, fields, messages, per language.
RULES: dict[str, list[tuple[str, str, dict, list[dict]]]] = {
    "ja": [
        ("ようこそ", "greeting", {}, _text("{displayName}さん、友だち追加ありがとうございます!")),
        (
            "営業時間",
            "keyword",
            {"match": "contains", "patterns": ["営業時間", "何時"]},
            _text("営業時間は平日10:00〜19:00、土曜10:00〜17:00です。"),
        ),
        (
            "注文番号",
            "keyword",
            {"match": "regex", "patterns": [r"注文\s*#?\d+"]},
            _text("ご注文についてのお問い合わせを承りました。担当者が確認します。"),
        ),
        (
            "スタッフ",
            "keyword",
            {
                "match": "contains",
                "patterns": ["スタッフ", "担当者"],
                "hand_over": True,
                "tag": True,
            },
            _text("担当者におつなぎします。少々お待ちください。"),
        ),
        (
            "メニュー",
            "postback",
            {"match": "prefix", "patterns": ["menu="]},
            _text("メニューはこちらからご覧いただけます。"),
        ),
        ("営業時間外", "away", {}, _text("ただいま営業時間外です。翌営業日にご返信いたします。")),
    ],
    "zh_Hant": [
        ("歡迎", "greeting", {}, _text("{displayName} 你好,歡迎加入好友!")),
        (
            "營業時間",
            "keyword",
            {"match": "contains", "patterns": ["營業時間", "幾點"]},
            _text("營業時間:週一至週五 10:00 至 19:00,週六 10:00 至 17:00。"),
        ),
        (
            "訂位",
            "keyword",
            {"match": "contains", "patterns": ["訂位", "預約"], "tag": True},
            _text("請告訴我們日期、時間與人數,我們會為你保留座位。"),
        ),
        (
            "真人客服",
            "keyword",
            {"match": "contains", "patterns": ["客服", "真人"], "hand_over": True},
            _text("已為你轉接專人服務,請稍候。"),
        ),
        ("非營業時間", "away", {}, _text("目前非營業時間,我們會在開店後盡快回覆你。")),
    ],
    "th": [
        ("ยินดีต้อนรับ", "greeting", {}, _text("สวัสดีค่ะ คุณ{displayName} ขอบคุณที่เพิ่มเราเป็นเพื่อน!")),
        (
            "ตารางคลาส",
            "keyword",
            {"match": "contains", "patterns": ["ตารางคลาส", "คลาส"]},
            _text("ตารางคลาสประจำสัปดาห์อยู่ในเมนูด้านล่างค่ะ"),
        ),
        (
            "สมัครสมาชิก",
            "keyword",
            {"match": "contains", "patterns": ["สมัคร", "ราคา"], "tag": True},
            _text("แพ็กเกจสมาชิกเริ่มต้น 1,200 บาท/เดือน สนใจทดลองฟรี 1 ครั้งไหมคะ"),
        ),
        (
            "ติดต่อพนักงาน",
            "keyword",
            {"match": "contains", "patterns": ["พนักงาน", "แอดมิน"], "hand_over": True},
            _text("กำลังส่งต่อให้พนักงานค่ะ กรุณารอสักครู่"),
        ),
        ("นอกเวลาทำการ", "away", {}, _text("ขณะนี้อยู่นอกเวลาทำการ เราจะตอบกลับโดยเร็วที่สุดค่ะ")),
    ],
}
RULES["ja_tea"] = RULES["ja"]
STAFF_TAG["ja_tea"] = STAFF_TAG["ja"]

# Monday to Friday 10:00-19:00, Saturday 10:00-17:00, in each OA's own time zone.
WINDOWS = [{"weekday": day, "start": "10:00", "end": "19:00"} for day in range(5)] + [
    {"weekday": 5, "start": "10:00", "end": "17:00"}
]


def _seed_account(account, language: str) -> int:
    tag, _created = Tag.objects.for_account(account).get_or_create(
        account=account, name=STAFF_TAG[language]
    )
    for name, kind, fields, messages in RULES[language]:
        fields = dict(fields)
        tags = [tag] if fields.pop("tag", False) else []
        auto_reply_rule_create(
            account=account,
            data=RuleInput(name=name, kind=kind, messages=messages, tags=tags, **fields),
        )
    business_hours_save(account=account, windows=WINDOWS, closed_dates=[])
    return len(RULES[language])


def seed_auto_replies(demo: DemoTenancy) -> int:
    total = 0
    for slug, account in demo.accounts.items():
        with tenant_scope(workspace=account.workspace, account=account):
            if AutoReplyRule.objects.for_account(account).exists():
                continue
            total += _seed_account(account, LANGUAGE_BY_OA.get(slug, "ja"))
    return total
