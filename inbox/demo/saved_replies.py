# ruff: noqa: RUF001  (the demo texts use CJK full-width punctuation on purpose)
"""``seed_saved_replies``: each demo OA's saved replies in its language (``seed_demo``).

Three texts a team answers with every day (a greeting with the friend's name, opening hours, a
"we are checking" note), so the composer's saved-reply list is not empty in the demo. An OA
that already has them is left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inbox.demo.texts import LANGUAGE_BY_OA
from inbox.models import SavedReply
from oa_console.tenancy import tenant_scope

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DEMO_ORDER = 58  # after the chats (57); its own number, so other chat steps keep theirs

REPLIES: dict[str, list[tuple[str, str]]] = {
    "zh_Hant": [
        ("問候", "{displayName} 您好！謝謝您的訊息，我們馬上為您查詢 ☕"),
        ("營業時間", "我們每天 8:00–20:00 營業，週一公休。"),
        ("查詢中", "收到！我們正在確認您的訂單，請稍候片刻 🙏"),
    ],
    "ja": [
        ("挨拶", "{displayName}様、お問い合わせありがとうございます！すぐに確認いたします。"),
        ("営業時間", "営業時間は10:00〜19:00（水曜定休）です。"),
        ("確認中", "承知しました。ご注文状況を確認しておりますので、少々お待ちください 🙏"),
    ],
    "ja_tea": [
        ("挨拶", "{displayName}様、いつもありがとうございます 🍵 すぐに確認いたします。"),
        ("配送", "ご注文から3営業日以内に発送いたします。"),
        ("確認中", "承知しました。確認して折り返しご連絡いたします。"),
    ],
    "th": [
        ("ทักทาย", "สวัสดีค่ะคุณ {displayName} ขอบคุณที่ติดต่อมา เดี๋ยวเราตรวจสอบให้ทันทีค่ะ 💪"),
        ("เวลาเปิด", "ยิมเปิดทุกวัน 6:00–22:00 น. ค่ะ"),
        ("กำลังตรวจสอบ", "รับทราบค่ะ กำลังตรวจสอบข้อมูลสมาชิกให้ รอสักครู่นะคะ 🙏"),
    ],
}


def seed_saved_replies(demo: DemoTenancy) -> int:
    created = 0
    for slug, account in demo.accounts.items():
        replies = REPLIES.get(LANGUAGE_BY_OA.get(slug, "ja"), REPLIES["ja"])
        with tenant_scope(workspace=account.workspace, account=account):
            scoped = SavedReply.objects.for_account(account)
            if scoped.exists():
                continue
            scoped.bulk_create(
                SavedReply(account=account, name=name, text=text) for name, text in replies
            )
            created += len(replies)
    return created
