"""Chat reports: daily chat statistics and chat history backups."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from insights.imports.reports.spec import DATE_ALIASES, F, Kind, ReportSpec, ReportType

SPECS: tuple[ReportSpec, ...] = (
    ReportSpec(
        ReportType.CHATS,
        _("Chat statistics"),
        _(
            "Chats per day: active chats, messages received and sent, manual and automatic responses."
        ),
        (
            F("date", Kind.DATE, _("Date"), DATE_ALIASES, required=True),
            F(
                "active_chats",
                Kind.COUNT,
                _("Active chats"),
                [
                    "active chats",
                    "chats",
                    "チャット数",
                    "アクティブチャット",
                    "アクティブチャット数",
                    "聊天數",
                    "進行中的聊天",
                    "แชทที่ใช้งาน",
                ],
            ),
            F(
                "messages_received",
                Kind.COUNT,
                _("Messages received"),
                [
                    "messages received",
                    "received messages",
                    "受信メッセージ数",
                    "受信数",
                    "收到的訊息",
                    "接收訊息數",
                    "ข้อความที่ได้รับ",
                ],
                required=True,
            ),
            F(
                "messages_sent",
                Kind.COUNT,
                _("Messages sent"),
                [
                    "messages sent",
                    "sent messages",
                    "送信メッセージ数",
                    "傳送的訊息",
                    "傳送訊息數",
                    "ข้อความที่ส่ง",
                ],
            ),
            F(
                "manual_responses",
                Kind.COUNT,
                _("Manual responses"),
                [
                    "manual responses",
                    "manual",
                    "手動応答",
                    "手動応答数",
                    "手動回覆",
                    "ตอบกลับด้วยตนเอง",
                ],
            ),
            F(
                "auto_responses",
                Kind.COUNT,
                _("Automatic responses"),
                [
                    "automatic responses",
                    "auto responses",
                    "auto response",
                    "自動応答",
                    "自動応答数",
                    "自動回覆",
                    "ตอบกลับอัตโนมัติ",
                ],
            ),
        ),
        keys=(("date",),),
        date_field="date",
    ),
    ReportSpec(
        ReportType.CHAT_HISTORY,
        _("Chat history backup"),
        _("A zip with one CSV per customer: who wrote what, and when (JST)."),
        (
            F(
                "sender_type",
                Kind.TEXT,
                _("Sender type"),
                ["送信者タイプ", "sender type", "傳送者類型", "ประเภทผู้ส่ง"],
                required=True,
            ),
            F(
                "sender_name",
                Kind.TEXT,
                _("Sender name"),
                ["送信者名", "sender name", "sender", "傳送者名稱", "傳送者", "ชื่อผู้ส่ง"],
            ),
            F(
                "sent_date",
                Kind.DATE,
                _("Date sent"),
                ["送信日", "date", "sent date", "傳送日期", "วันที่ส่ง"],
                required=True,
            ),
            F(
                "sent_time",
                Kind.TIME,
                _("Time sent"),
                ["送信時刻", "time", "sent time", "傳送時間", "เวลาที่ส่ง"],
                required=True,
            ),
            F(
                "content",
                Kind.TEXT,
                _("Content"),
                ["内容", "content", "message", "內容", "訊息", "เนื้อหา", "ข้อความ"],
            ),
        ),
        # The chat (the zip member) and a sequence number within the same minute are added by
        # the importer: two messages in the same minute are normal, not duplicates.
        keys=(("chat", "sent_date", "sent_time", "seq"),),
        date_field="sent_date",
    ),
)
