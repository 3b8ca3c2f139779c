"""Readable, translated names for the codes LINE uses in its data: age ranges (``from25to29``),
genders, OS (``ios``), friendship periods (``within30days``), area codes (``jp_13``) and message
delivery methods, plus the console's add-friend sources.

One place, in the lowest layer, so a page, a chart, a CSV header and an API ``label`` field all
say the same thing; templates reach it through the ``line_label`` filter
(``oa_console.templatetags.labels``). The area names cover every code of LINE's own schema
(``AreaDemographic`` in messaging-api.yml; a test keeps them in step). A code LINE adds later is
never shown raw and never raises: it reads "Japan, area 48" or "Other (…)"; text that is not a
LINE code at all (a Japanese CSV's "女性") is shown as it came.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

COUNTRIES: dict[str, Promise] = {
    "jp": gettext_lazy("Japan"),
    "tw": gettext_lazy("Taiwan"),
    "th": gettext_lazy("Thailand"),
    "id": gettext_lazy("Indonesia"),
}

# LINE's area codes (messaging-api.yml ``AreaDemographic``, the same codes the Insight API's
# friend demographics report) with the place each names; LINE's own romanisation is corrected
# to the usual English spelling (HYOUGO → Hyogo, KOUCHI → Kochi).
AREAS: dict[str, Promise] = {
    "jp_01": pgettext_lazy("LINE area", "Hokkaido"),
    "jp_02": pgettext_lazy("LINE area", "Aomori"),
    "jp_03": pgettext_lazy("LINE area", "Iwate"),
    "jp_04": pgettext_lazy("LINE area", "Miyagi"),
    "jp_05": pgettext_lazy("LINE area", "Akita"),
    "jp_06": pgettext_lazy("LINE area", "Yamagata"),
    "jp_07": pgettext_lazy("LINE area", "Fukushima"),
    "jp_08": pgettext_lazy("LINE area", "Ibaraki"),
    "jp_09": pgettext_lazy("LINE area", "Tochigi"),
    "jp_10": pgettext_lazy("LINE area", "Gunma"),
    "jp_11": pgettext_lazy("LINE area", "Saitama"),
    "jp_12": pgettext_lazy("LINE area", "Chiba"),
    "jp_13": pgettext_lazy("LINE area", "Tokyo"),
    "jp_14": pgettext_lazy("LINE area", "Kanagawa"),
    "jp_15": pgettext_lazy("LINE area", "Niigata"),
    "jp_16": pgettext_lazy("LINE area", "Toyama"),
    "jp_17": pgettext_lazy("LINE area", "Ishikawa"),
    "jp_18": pgettext_lazy("LINE area", "Fukui"),
    "jp_19": pgettext_lazy("LINE area", "Yamanashi"),
    "jp_20": pgettext_lazy("LINE area", "Nagano"),
    "jp_21": pgettext_lazy("LINE area", "Gifu"),
    "jp_22": pgettext_lazy("LINE area", "Shizuoka"),
    "jp_23": pgettext_lazy("LINE area", "Aichi"),
    "jp_24": pgettext_lazy("LINE area", "Mie"),
    "jp_25": pgettext_lazy("LINE area", "Shiga"),
    "jp_26": pgettext_lazy("LINE area", "Kyoto"),
    "jp_27": pgettext_lazy("LINE area", "Osaka"),
    "jp_28": pgettext_lazy("LINE area", "Hyogo"),
    "jp_29": pgettext_lazy("LINE area", "Nara"),
    "jp_30": pgettext_lazy("LINE area", "Wakayama"),
    "jp_31": pgettext_lazy("LINE area", "Tottori"),
    "jp_32": pgettext_lazy("LINE area", "Shimane"),
    "jp_33": pgettext_lazy("LINE area", "Okayama"),
    "jp_34": pgettext_lazy("LINE area", "Hiroshima"),
    "jp_35": pgettext_lazy("LINE area", "Yamaguchi"),
    "jp_36": pgettext_lazy("LINE area", "Tokushima"),
    "jp_37": pgettext_lazy("LINE area", "Kagawa"),
    "jp_38": pgettext_lazy("LINE area", "Ehime"),
    "jp_39": pgettext_lazy("LINE area", "Kochi"),
    "jp_40": pgettext_lazy("LINE area", "Fukuoka"),
    "jp_41": pgettext_lazy("LINE area", "Saga"),
    "jp_42": pgettext_lazy("LINE area", "Nagasaki"),
    "jp_43": pgettext_lazy("LINE area", "Kumamoto"),
    "jp_44": pgettext_lazy("LINE area", "Oita"),
    "jp_45": pgettext_lazy("LINE area", "Miyazaki"),
    "jp_46": pgettext_lazy("LINE area", "Kagoshima"),
    "jp_47": pgettext_lazy("LINE area", "Okinawa"),
    "tw_01": pgettext_lazy("LINE area", "Taipei City"),
    "tw_02": pgettext_lazy("LINE area", "New Taipei City"),
    "tw_03": pgettext_lazy("LINE area", "Taoyuan City"),
    "tw_04": pgettext_lazy("LINE area", "Taichung City"),
    "tw_05": pgettext_lazy("LINE area", "Tainan City"),
    "tw_06": pgettext_lazy("LINE area", "Kaohsiung City"),
    "tw_07": pgettext_lazy("LINE area", "Keelung City"),
    "tw_08": pgettext_lazy("LINE area", "Hsinchu City"),
    "tw_09": pgettext_lazy("LINE area", "Chiayi City"),
    "tw_10": pgettext_lazy("LINE area", "Hsinchu County"),
    "tw_11": pgettext_lazy("LINE area", "Miaoli County"),
    "tw_12": pgettext_lazy("LINE area", "Changhua County"),
    "tw_13": pgettext_lazy("LINE area", "Nantou County"),
    "tw_14": pgettext_lazy("LINE area", "Yunlin County"),
    "tw_15": pgettext_lazy("LINE area", "Chiayi County"),
    "tw_16": pgettext_lazy("LINE area", "Pingtung County"),
    "tw_17": pgettext_lazy("LINE area", "Yilan County"),
    "tw_18": pgettext_lazy("LINE area", "Hualien County"),
    "tw_19": pgettext_lazy("LINE area", "Taitung County"),
    "tw_20": pgettext_lazy("LINE area", "Penghu County"),
    "tw_21": pgettext_lazy("LINE area", "Kinmen County"),
    "tw_22": pgettext_lazy("LINE area", "Lienchiang County"),
    "th_01": pgettext_lazy("LINE area", "Bangkok"),
    "th_02": pgettext_lazy("LINE area", "Pattaya"),
    "th_03": pgettext_lazy("LINE area", "Northern Thailand"),
    "th_04": pgettext_lazy("LINE area", "Central Thailand"),
    "th_05": pgettext_lazy("LINE area", "Southern Thailand"),
    "th_06": pgettext_lazy("LINE area", "Eastern Thailand"),
    "th_07": pgettext_lazy("LINE area", "Northeastern Thailand"),
    "th_08": pgettext_lazy("LINE area", "Western Thailand"),
    "id_01": pgettext_lazy("LINE area", "Bali"),
    "id_02": pgettext_lazy("LINE area", "Bandung"),
    "id_03": pgettext_lazy("LINE area", "Banjarmasin"),
    "id_04": pgettext_lazy("LINE area", "Jabodetabek (Greater Jakarta)"),
    "id_05": pgettext_lazy("LINE area", "Other areas of Indonesia"),
    "id_06": pgettext_lazy("LINE area", "Makassar"),
    "id_07": pgettext_lazy("LINE area", "Medan"),
    "id_08": pgettext_lazy("LINE area", "Palembang"),
    "id_09": pgettext_lazy("LINE area", "Samarinda"),
    "id_10": pgettext_lazy("LINE area", "Semarang"),
    "id_11": pgettext_lazy("LINE area", "Surabaya"),
    "id_12": pgettext_lazy("LINE area", "Yogyakarta"),
}

GENDERS: dict[str, Promise] = {
    "male": gettext_lazy("Male"),
    "female": gettext_lazy("Female"),
    "unknown": gettext_lazy("Unknown"),
}

APP_TYPES: dict[str, Promise] = {
    "ios": pgettext_lazy("phone OS", "iOS"),
    "android": pgettext_lazy("phone OS", "Android"),
    "others": pgettext_lazy("phone OS", "Other"),
    "unknown": gettext_lazy("Unknown"),
}

# Insight API ``SubscriptionPeriodTile`` (how long someone has been a friend).
PERIODS: dict[str, Promise] = {
    "within7days": gettext_lazy("Less than 7 days"),
    "within30days": gettext_lazy("7 to 29 days"),
    "within90days": gettext_lazy("30 to 89 days"),
    "within180days": gettext_lazy("90 to 179 days"),
    "within365days": gettext_lazy("180 to 364 days"),
    "over365days": gettext_lazy("1 year or more"),
    "unknown": gettext_lazy("Unknown"),
    # Narrowcast ``SubscriptionPeriodDemographic`` bounds.
    "day_7": gettext_lazy("7 days"),
    "day_30": gettext_lazy("30 days"),
    "day_90": gettext_lazy("90 days"),
    "day_180": gettext_lazy("180 days"),
    "day_365": gettext_lazy("1 year"),
}

DELIVERY_METHODS: dict[str, Promise] = {
    "broadcast": gettext_lazy("LINE broadcast"),
    "multicast": gettext_lazy("Multicast"),
    "push": gettext_lazy("Push per friend"),
    "narrowcast": gettext_lazy("Narrowcast"),
    "reply": pgettext_lazy("LINE delivery", "Reply"),
}

# Webhook event types (webhook.yml, the ``type`` of each ``Event``).
EVENT_TYPES: dict[str, Promise] = {
    "message": pgettext_lazy("LINE event", "Message"),
    "unsend": pgettext_lazy("LINE event", "Message unsent"),
    "follow": pgettext_lazy("LINE event", "Follow"),
    "unfollow": pgettext_lazy("LINE event", "Block"),
    "join": pgettext_lazy("LINE event", "Joined a group"),
    "leave": pgettext_lazy("LINE event", "Left a group"),
    "memberJoined": pgettext_lazy("LINE event", "Member joined"),
    "memberLeft": pgettext_lazy("LINE event", "Member left"),
    "postback": pgettext_lazy("LINE event", "Postback"),
    "videoPlayComplete": pgettext_lazy("LINE event", "Video watched"),
    "beacon": pgettext_lazy("LINE event", "Beacon"),
    "accountLink": pgettext_lazy("LINE event", "Account link"),
    "membership": pgettext_lazy("LINE event", "Membership"),
    "module": pgettext_lazy("LINE event", "Module"),
    "activated": pgettext_lazy("LINE event", "Module activated"),
    "deactivated": pgettext_lazy("LINE event", "Module deactivated"),
    "botSuspended": pgettext_lazy("LINE event", "Bot suspended"),
    "botResumed": pgettext_lazy("LINE event", "Bot resumed"),
    "delivery": pgettext_lazy("LINE event", "Delivery completed"),
}

# Message content types of a message event (webhook.yml ``MessageContent``).
MESSAGE_TYPES: dict[str, Promise] = {
    "text": pgettext_lazy("LINE message", "Text"),
    "image": pgettext_lazy("LINE message", "Image"),
    "video": pgettext_lazy("LINE message", "Video"),
    "audio": pgettext_lazy("LINE message", "Audio"),
    "file": pgettext_lazy("LINE message", "File"),
    "location": pgettext_lazy("LINE message", "Location"),
    "sticker": pgettext_lazy("LINE message", "Sticker"),
}

AREA_CODE = re.compile(r"^([a-z]{2})_(\d+)$")
AGE_RANGE = re.compile(r"^from(\d+)to(\d+)$")
AGE_FROM = re.compile(r"^from(\d+)$")
NARROWCAST_AGE = re.compile(r"^age_(\d+)$")
# Anything shaped like a LINE code (lower case, digits, underscores) that no table knows.
CODE_SHAPE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def other(code: str) -> str:
    """A code no table knows yet: readable, and still tells support what LINE sent."""
    return _("Other (%(code)s)") % {"code": code.replace("_", " ")}


def area_label(code: str) -> str:
    """``jp_13`` → "Tokyo" (translated); an unknown area of a known country → "Japan, area 48"."""
    code = str(code).strip()
    if code in AREAS:
        return str(AREAS[code])
    match = AREA_CODE.match(code)
    if match and match.group(1) in COUNTRIES:
        return _("%(country)s, area %(number)s") % {
            "country": COUNTRIES[match.group(1)],
            "number": int(match.group(2)),
        }
    return other(code) if match or CODE_SHAPE.match(code) else code


def age_label(code: str) -> str:
    """``from25to29`` → "25 to 29" (en dash), ``from50`` → "50+", ``age_20`` (narrowcast bound) → "20"."""
    code = str(code).strip()
    if code == "unknown":
        return str(GENDERS["unknown"])
    if match := AGE_RANGE.match(code):
        range_text = _("%(low)s–%(high)s")  # noqa: RUF001 (an en dash between ages)
        return range_text % {"low": match.group(1), "high": match.group(2)}
    if match := AGE_FROM.match(code):
        return _("%(low)s+") % {"low": match.group(1)}
    if match := NARROWCAST_AGE.match(code):
        return match.group(1)
    return _from_table({}, code)


def _from_table(table: Mapping[str, Promise], code: str) -> str:
    code = str(code).strip()
    if code in table:
        return str(table[code])
    return other(code) if CODE_SHAPE.match(code) else code


def gender_label(code: str) -> str:
    return _from_table(GENDERS, code)


def app_type_label(code: str) -> str:
    return _from_table(APP_TYPES, code)


def period_label(code: str) -> str:
    return _from_table(PERIODS, code)


def delivery_method_label(code: str) -> str:
    return _from_table(DELIVERY_METHODS, code)


def event_type_label(code: str) -> str:
    """A webhook event type; one LINE adds later reads "Other (…)" with its camel case split."""
    code = str(code).strip()
    if code in EVENT_TYPES:
        return str(EVENT_TYPES[code])
    if re.fullmatch(r"[a-z]+([A-Z][a-z0-9]*)+", code):
        return other(re.sub(r"(?<!^)([A-Z])", r" \1", code).lower())
    return _from_table({}, code)


def add_source_label(source: str, campaigns: Mapping[str, str] | None = None) -> str:
    """An add-friend source as a marketer reads it: the campaign link's name when the console
    knows the campaign that gives this source (``qr_store`` → "QR code at the register"),
    otherwise the source with its separators as spaces (``qr_store`` → "qr store")."""
    source = str(source).strip()
    if campaigns and source in campaigns:
        return campaigns[source]
    return re.sub(r"[_\-]+", " ", source).strip() or source


KINDS = {
    "age": age_label,
    "gender": gender_label,
    "area": area_label,
    "os": app_type_label,
    "app_type": app_type_label,
    "friendship_period": period_label,
    "period": period_label,
    "delivery": delivery_method_label,
    "event": event_type_label,
    "message": lambda code: _from_table(MESSAGE_TYPES, code),
    "add_source": add_source_label,
}


def label(kind: str, code: object) -> str:
    """The name of ``code`` of a kind in ``KINDS`` (``"age"``, ``"area"``, ...); an unknown
    kind leaves the value as it is, so a caller's mistake shows the value rather than failing."""
    if code is None or code == "":
        return ""
    function = KINDS.get(kind)
    return function(str(code)) if function else str(code)
