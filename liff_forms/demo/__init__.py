# ruff: noqa: RUF001  (the demo texts use CJK full-width punctuation on purpose)
"""``seed_forms``: a short survey per demo OA in its language, answered by up to 40 of its
friends over the last two weeks (``seed_demo``).

The respondents are following friends who already carry a tag (the engaged ones, who answer
surveys): the survey's tags then add to what is known about them without changing the CRM
demo's tag coverage story (the share of friends with any tag, and its daily history).

The survey's choice question tags the friends by what they come for (tags ``survey: …``),
its text question fills the ``favourite`` attribute, the rating a number, and a consent goes
to the OA's ``newsletter`` yes/no attribute. Answers go through ``submission_record``, the
service the LIFF page uses, so attributes, tags and ``form_answered`` activities are the
real ones. An OA that already has its survey is left alone.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from liff_forms.models import Form, Question, Submission
from liff_forms.services.forms import FormInput, OptionInput, QuestionInput, form_create
from liff_forms.services.submissions import field_name, submission_record
from oa_console.tenancy import tenant_scope
from segments.models import AttributeDefinition, Friend, FriendTag, Tag
from segments.services.attributes import attribute_definition_create
from segments.services.tagging import tag_create

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DEMO_ORDER = 36  # after the CRM's friends, tags and attributes (30), before broadcasts (40)
ANSWERS = 40
LANGUAGE_BY_OA = {
    "taipei-cafe": "zh_Hant",
    "tokyo-cosmetics": "ja",
    "bangkok-fitness": "th",
    "kumo-tea": "ja",
}

# title, intro, choice question, options, favourite question, rating question, consent, thanks
TEXTS = {
    "zh_Hant": (
        "顧客小調查",
        "花 1 分鐘告訴我們您的喜好，我們會寄送更適合您的優惠。",
        "您最常為了什麼來店？",
        ["咖啡", "甜點", "工作空間"],
        "最喜歡的品項是？",
        "滿意度（1–5）",
        "我同意接收電子報",
        "感謝您的回答！",
    ),
    "ja": (
        "お客様アンケート",
        "1分で終わります。お好みに合わせたご案内をお届けします。",
        "いちばん興味のあるものは？",
        ["新商品", "セール情報", "使い方のヒント"],
        "お気に入りの商品は？",
        "満足度（1〜5）",
        "ニュースレターの受け取りに同意します",
        "ご回答ありがとうございました！",
    ),
    "th": (
        "แบบสอบถามสมาชิก",
        "ใช้เวลาแค่ 1 นาที เพื่อให้เราแนะนำโปรแกรมที่เหมาะกับคุณ",
        "คุณมาที่ยิมเพื่ออะไรมากที่สุด",
        ["ลดน้ำหนัก", "สร้างกล้ามเนื้อ", "คลาสกลุ่ม"],
        "คลาสที่ชอบที่สุดคือ",
        "ความพึงพอใจ (1–5)",
        "ฉันยินยอมรับจดหมายข่าว",
        "ขอบคุณที่ตอบแบบสอบถาม!",
    ),
}
FAVOURITES = {
    "zh_Hant": ["拿鐵", "手沖", "司康", "起司蛋糕"],
    "ja": ["化粧水", "美容液", "リップ", "抹茶", "ほうじ茶"],
    "th": ["โยคะ", "บอดี้ปั๊ม", "มวยไทย", "ปั่นจักรยาน"],
}


def _attribute(account, key: str, label: str, type_: str) -> AttributeDefinition:
    found = AttributeDefinition.objects.for_account(account).filter(key=key).first()
    if found is not None:
        return found if found.type == type_ else None
    return attribute_definition_create(account=account, key=key, label=label, type=type_)


def _tag(account, name: str) -> Tag:
    return Tag.objects.for_account(account).filter(name=name).first() or tag_create(
        account=account, name=name
    )


def _survey(account, language: str) -> tuple[Form, list[Question]]:
    title, intro, choice, options, favourite, rating, consent, thanks = TEXTS[language]
    favourite_attribute = _attribute(account, "favourite", "Favourite", "text")
    newsletter = _attribute(account, "newsletter", "Newsletter", "boolean")
    questions = [
        QuestionInput(
            kind=Question.Kind.SINGLE,
            label=choice,
            required=True,
            options=[
                OptionInput(label=label, tag_id=_tag(account, f"survey: {label}").pk)
                for label in options
            ],
        ),
        QuestionInput(
            kind=Question.Kind.TEXT,
            label=favourite,
            attribute_id=favourite_attribute.pk if favourite_attribute else None,
        ),
        QuestionInput(kind=Question.Kind.NUMBER, label=rating, min_value=1, max_value=5),
        QuestionInput(
            kind=Question.Kind.CONSENT,
            label=consent,
            required=True,
            attribute_id=newsletter.pk if newsletter else None,
        ),
    ]
    form = form_create(
        account=account,
        data=FormInput(
            title=title,
            intro=intro,
            liff_id=f"{2000000000 + account.pk:010d}-Demo{account.pk % 10000:04d}",
            login_channel_id=f"{2000000000 + account.pk:010d}",
            thanks_text=thanks,
        ),
        questions=questions,
    )
    return form, list(Question.objects.for_account(account).filter(form=form))


def seed_forms(demo: DemoTenancy) -> int:
    created = 0
    now = timezone.now()
    for slug, account in demo.accounts.items():
        language = LANGUAGE_BY_OA.get(slug, "ja")
        with tenant_scope(workspace=account.workspace, account=account):
            if Form.objects.for_account(account).exists():
                continue
            form, questions = _survey(account, language)
            choice, favourite, rating, _consent = questions
            rng = random.Random(f"forms-{slug}")
            friends = list(
                Friend.objects.for_account(account)
                .filter(
                    status=Friend.Status.FOLLOWING,
                    pk__in=FriendTag.objects.for_account(account).values("friend_id"),
                )
                .order_by("pk")
                .values_list("line_user_id", flat=True)[:ANSWERS]
            )
            for user_id in friends:
                raw = {
                    field_name(choice): [str(rng.choices([0, 1, 2], weights=[5, 3, 2])[0])],
                    field_name(favourite): rng.choice(FAVOURITES[language]),
                    field_name(rating): str(rng.choices([3, 4, 5, 2], weights=[3, 5, 4, 1])[0]),
                    field_name(_consent): "on",
                }
                submission = submission_record(
                    form=form, line_user_id=user_id, raw=raw, questions=questions
                )
                at = now - timedelta(days=rng.randint(0, 13), minutes=rng.randint(0, 600))
                Submission.objects.for_account(account).filter(pk=submission.pk).update(
                    submitted_at=at
                )
                created += 1
            created += 1  # the form
    return created
