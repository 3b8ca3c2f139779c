# ruff: noqa: RUF001  (the demo texts use CJK full-width punctuation on purpose)
"""The demo journeys' words in each demo OA's language: journey names, the send nodes' texts
and the products in their carts.

These are the brand's own content (what a marketer would type in the builder), not console
strings, so they are data here rather than translations; an OA whose zone has no entry gets
the starters' English texts. Every text keeps the starter's variables ({displayName},
{event.…}), so the demo's messages are personalised exactly as live ones.
"""

from __future__ import annotations

from dataclasses import dataclass

# The demo OAs' languages, by time zone (Taipei: Traditional Chinese; Tokyo: Japanese;
# Bangkok: Thai).
LANGUAGE_BY_ZONE = {"Asia/Taipei": "zh_Hant", "Asia/Tokyo": "ja", "Asia/Bangkok": "th"}
CURRENCY_BY_ZONE = {"Asia/Taipei": "TWD", "Asia/Tokyo": "JPY", "Asia/Bangkok": "THB"}

NAMES: dict[str, dict[str, str]] = {
    "en": {
        "cart_abandonment": "Cart abandonment",
        "price_drop": "Price drop alert",
        "welcome_series": "Welcome series (with holdout)",
        "first_purchase": "First-purchase thank-you",
        "birthday": "Birthday coupon",
        "win_back": "Win-back after 60 quiet days",
        "post_purchase_review": "Review request after purchase",
    },
    "ja": {
        "cart_abandonment": "カゴ落ちリマインド",
        "price_drop": "値下げのお知らせ",
        "welcome_series": "友だち追加ウェルカム（効果測定つき）",
        "first_purchase": "初回購入サンクス",
        "birthday": "お誕生日クーポン",
        "win_back": "60日休眠の掘り起こし",
        "post_purchase_review": "購入後レビュー依頼",
    },
    "zh_Hant": {
        "cart_abandonment": "購物車未結帳提醒",
        "price_drop": "降價通知",
        "welcome_series": "新好友歡迎系列（含對照組）",
        "first_purchase": "首購感謝",
        "birthday": "生日優惠券",
        "win_back": "沉睡 60 天喚回",
        "post_purchase_review": "購買後邀請評價",
    },
    "th": {
        "cart_abandonment": "เตือนสินค้าค้างในตะกร้า",
        "price_drop": "แจ้งเตือนสินค้าลดราคา",
        "welcome_series": "ต้อนรับเพื่อนใหม่ (มีกลุ่มควบคุม)",
        "first_purchase": "ขอบคุณสำหรับการซื้อครั้งแรก",
        "birthday": "คูปองวันเกิด",
        "win_back": "ชวนกลับหลังเงียบไป 60 วัน",
        "post_purchase_review": "ขอรีวิวหลังการซื้อ",
    },
}

# (starter key, node id) -> text of the node's first message; the cart reminder's carousel
# keeps the starter's bubble, with its alt text and button label below.
MESSAGES: dict[str, dict[tuple[str, str], str]] = {
    "ja": {
        ("cart_abandonment", "reminder"): "{displayName}さん、カートに商品が残っています。"
        "こちらからご購入いただけます：{event.checkout_url}",
        ("cart_abandonment", "coupon"): "{displayName}さん、今なら10%OFF！"
        "クーポンコード CART10 をご利用ください：{event.checkout_url}",
        ("price_drop", "alert"): "【値下げ】ご覧になった{event.item_name}が"
        "{event.old_price}円→{event.new_price}円に値下がりしました：{event.url}",
        ("welcome_series", "day_0"): "{displayName}さん、友だち追加ありがとうございます！"
        "メニューから今週のおすすめをご覧ください。",
        ("welcome_series", "day_3_engaged"): "{displayName}さん、ご覧いただきありがとうございます。"
        "あなたにおすすめの商品をさらにお届けします。",
        (
            "welcome_series",
            "day_3_nudge",
        ): "{displayName}さん、ウェルカム特典はもうご覧になりましたか？メニューからどうぞ。",
        ("welcome_series", "day_7"): "{displayName}さん、友だち追加から1週間！"
        "初回のお買い物が5%OFFになるコード WELCOME5 をどうぞ。",
        ("first_purchase", "thanks"): "{displayName}さん、初めてのご注文ありがとうございます！"
        "ご注文 {event.order_id} を発送準備中です。",
        ("birthday", "greeting"): "{displayName}さん、お誕生日おめでとうございます！"
        "今週はコード BDAY15 で15%OFFです。",
        ("win_back", "miss_you"): "{displayName}さん、お久しぶりです！"
        "コード COMEBACK10 で10%OFFでお待ちしています。",
        ("win_back", "last_chance"): "{displayName}さん、COMEBACK10 は明日までです。",
        (
            "post_purchase_review",
            "ask",
        ): "{displayName}さん、ご注文 {event.order_id} はいかがでしたか？"
        "1分でレビューをお聞かせください：{event.review_url}",
    },
    "zh_Hant": {
        ("cart_abandonment", "reminder"): "{displayName}，你的購物車裡還有商品喔！"
        "點這裡完成結帳：{event.checkout_url}",
        ("cart_abandonment", "coupon"): "{displayName}，送你 9 折優惠碼 CART10，"
        "完成訂單：{event.checkout_url}",
        ("price_drop", "alert"): "【降價通知】你看過的{event.item_name}降價了！"
        "原價 {event.old_price} 元，現在只要 {event.new_price} 元：{event.url}",
        ("welcome_series", "day_0"): "歡迎加入，{displayName}！點選單看看本週推薦。",
        ("welcome_series", "day_3_engaged"): "{displayName}，謝謝你的關注，再為你挑選幾款推薦。",
        ("welcome_series", "day_3_nudge"): "{displayName}，新好友禮你領了嗎？就在選單裡。",
        ("welcome_series", "day_7"): "{displayName}，認識一週了！首購 95 折優惠碼：WELCOME5",
        (
            "first_purchase",
            "thanks",
        ): "{displayName}，謝謝你的第一筆訂單！訂單 {event.order_id} 已在準備出貨。",
        ("birthday", "greeting"): "{displayName}，生日快樂！本週使用 BDAY15 享 85 折。",
        ("win_back", "miss_you"): "{displayName}，好久不見！回來用 COMEBACK10 享 9 折。",
        ("win_back", "last_chance"): "{displayName}，COMEBACK10 優惠碼明天到期。",
        ("post_purchase_review", "ask"): "{displayName}，訂單 {event.order_id} 還滿意嗎？"
        "花一分鐘告訴我們：{event.review_url}",
    },
    "th": {
        ("cart_abandonment", "reminder"): "คุณ{displayName} ยังมีสินค้าค้างอยู่ในตะกร้า "
        "ชำระเงินต่อได้ที่นี่: {event.checkout_url}",
        ("cart_abandonment", "coupon"): "คุณ{displayName} รับส่วนลด 10% ด้วยโค้ด CART10 "
        "ที่ {event.checkout_url}",
        ("price_drop", "alert"): "ลดราคา! {event.item_name} ที่คุณดูไว้ลดราคาแล้ว "
        "จาก {event.old_price} เหลือ {event.new_price} บาท: {event.url}",
        ("welcome_series", "day_0"): "ยินดีต้อนรับคุณ{displayName}! ดูโปรแกรมแนะนำสัปดาห์นี้ในเมนูได้เลย",
        ("welcome_series", "day_3_engaged"): "คุณ{displayName} ขอบคุณที่แวะมาดู นี่คือคลาสที่เราเลือกมาให้คุณ",
        ("welcome_series", "day_3_nudge"): "คุณ{displayName} รับสิทธิ์ทดลองฟรีแล้วหรือยัง? อยู่ในเมนูนะ",
        (
            "welcome_series",
            "day_7",
        ): "คุณ{displayName} ครบหนึ่งสัปดาห์แล้ว! ลด 5% สำหรับการซื้อครั้งแรก: WELCOME5",
        ("first_purchase", "thanks"): "ขอบคุณสำหรับคำสั่งซื้อแรกนะคุณ{displayName}! "
        "คำสั่งซื้อ {event.order_id} กำลังจัดเตรียม",
        ("birthday", "greeting"): "สุขสันต์วันเกิดคุณ{displayName}! รับส่วนลด 15% ทั้งสัปดาห์ด้วยโค้ด BDAY15",
        ("win_back", "miss_you"): "คุณ{displayName} ไม่ได้เจอกันนานเลย! กลับมารับส่วนลด 10%: COMEBACK10",
        ("win_back", "last_chance"): "คุณ{displayName} โค้ด COMEBACK10 หมดอายุพรุ่งนี้",
        ("post_purchase_review", "ask"): "คุณ{displayName} คำสั่งซื้อ {event.order_id} เป็นอย่างไรบ้าง? "
        "รีวิวให้เราหนึ่งนาที: {event.review_url}",
    },
}

# The date attribute the birthday journey's trigger reads, as the brand labels it.
# The welcome series' holdout split, labelled in the OA's language like the starters' steps.
HOLDOUT_LABELS = {
    "en": "Holdout",
    "ja": "ホールドアウト（配信しない対照群）",
    "zh_Hant": "保留組（不發送的對照組）",
    "th": "กลุ่มควบคุม (ไม่ส่งข้อความ)",
}
# Its two paths as the flow and the stats name them ("Welcome series · 80 %"): the series, and
# the holdout that gets no message (the split's control path).
HOLDOUT_PATH_LABELS = {
    "en": ("Welcome series", "Holdout (no messages)"),
    "ja": ("ウェルカム配信", "ホールドアウト（配信なし）"),
    "zh_Hant": ("歡迎訊息系列", "保留組（不發送）"),
    "th": ("ชุดข้อความต้อนรับ", "กลุ่มงดส่ง (ไม่ส่งข้อความ)"),
}
BIRTHDAY_LABELS = {"en": "Birthday", "ja": "誕生日", "zh_Hant": "生日", "th": "วันเกิด"}

CAROUSEL_WORDS = {
    "en": ("Your cart", "View"),
    "ja": ("カートの商品", "見る"),
    "zh_Hant": ("你的購物車", "查看"),
    "th": ("สินค้าในตะกร้า", "ดูสินค้า"),
}


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price: int


# Each demo OA sells what its business does: (sku, name, price in the OA's currency).
CATALOGUE_ROWS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "taipei-cafe": (
        ("bean-ali", "阿里山單品咖啡豆 250g", 520),
        ("bean-house", "招牌綜合豆 500g", 680),
        ("drip-10", "濾掛咖啡 10 入", 320),
        ("mug-formosa", "福爾摩沙馬克杯", 450),
        ("coldbrew-6", "冷萃咖啡 6 瓶", 540),
        ("gift-box", "咖啡禮盒", 1280),
    ),
    "tokyo-cosmetics": (
        ("lip-sakura", "桜リップティント", 1980),
        ("serum-hydra", "ハイドラ美容液 30ml", 4800),
        ("mask-7", "シートマスク 7枚入", 1650),
        ("cleansing", "クレンジングオイル", 2640),
        ("cushion", "クッションファンデ", 3520),
        ("hand-cream", "ハンドクリーム 花見", 990),
    ),
    "bangkok-fitness": (
        ("pass-10", "บัตรคลาส 10 ครั้ง", 2900),
        ("member-1m", "สมาชิกรายเดือน", 1890),
        ("pt-4", "เทรนเนอร์ส่วนตัว 4 ครั้ง", 4400),
        ("whey-1kg", "เวย์โปรตีน 1 กก.", 1450),
        ("yoga-mat", "เสื่อโยคะ", 890),
        ("bottle", "ขวดน้ำ Lumpini Move", 350),
    ),
    "kumo-tea": (
        ("matcha-30", "宇治抹茶 30g", 2160),
        ("sencha-100", "深蒸し煎茶 100g", 1296),
        ("hojicha", "ほうじ茶ティーバッグ 20包", 864),
        ("kyusu", "常滑焼 急須", 5500),
        ("gyokuro", "玉露 50g", 3240),
        ("wagashi", "季節の和菓子セット", 1620),
    ),
}

CATALOGUES = {slug: tuple(Product(*row) for row in rows) for slug, rows in CATALOGUE_ROWS.items()}


def catalogue_of(slug: str) -> tuple[Product, ...]:
    """The products of the demo OA ``slug``; any other OA sells the tea house's."""
    return CATALOGUES.get(slug, CATALOGUES["kumo-tea"])
