"""The demo's chat scripts, one set per language: (direction, type, text, LINE payload)."""

from __future__ import annotations

LANGUAGE_BY_OA = {
    "taipei-cafe": "zh_Hant",
    "tokyo-cosmetics": "ja",
    "bangkok-fitness": "th",
    "kumo-tea": "ja_tea",
}


def _sticker(package: str, sticker: str) -> tuple:
    return ("in", "sticker", "", {"packageId": package, "stickerId": sticker})


def _photo(size: int) -> tuple:
    return ("in", "image", "", {"contentProvider": {"type": "line"}, "fileSize": size})


def _location(title: str, address: str, latitude: float, longitude: float) -> tuple:
    return (
        "in",
        "location",
        "",
        {"title": title, "address": address, "latitude": latitude, "longitude": longitude},
    )


SCRIPTS: dict[str, list[list[tuple]]] = {
    "zh_Hant": [
        [
            ("in", "text", "請問週末可以訂位嗎?四個人", {}),
            ("out", "text", "可以的!請問幾點呢?", {}),
            ("in", "text", "星期六下午兩點", {}),
            ("out", "text", "已幫您保留 4 位,週六 14:00 見 ☕", {}),
            _sticker("446", "1989"),
        ],
        [
            ("in", "text", "優惠券顯示已過期,但我昨天才領的", {}),
            _photo(184_320),
            ("out", "text", "不好意思,我們確認後重新發一張給您", {}),
        ],
        [
            ("in", "text", "你們的新店在哪裡?", {}),
            _location("福爾摩沙咖啡 信義店", "台北市信義區松高路 11 號", 25.0396, 121.5665),
            ("in", "text", "是這裡嗎?", {}),
        ],
        [
            ("in", "text", "燕麥奶拿鐵還有嗎?", {}),
            ("out", "text", "有的,今天全天供應喔", {}),
            _sticker("11537", "52002734"),
        ],
    ],
    "ja": [
        [
            ("in", "text", "注文した化粧水がまだ届きません。注文番号は 10428 です", {}),
            ("out", "text", "ご不便をおかけしております。配送状況を確認いたします。", {}),
            ("in", "text", "よろしくお願いします", {}),
            ("out", "text", "明日午前中に到着予定です。", {}),
            _sticker("11537", "52002735"),
        ],
        [
            ("in", "text", "肌に合うか不安なのでサンプルはありますか?", {}),
            _photo(256_000),
            ("out", "text", "店頭で無料サンプルをお渡ししております。", {}),
        ],
        [
            ("in", "text", "クーポンが使えませんでした", {}),
            ("in", "text", "レジで期限切れと言われました", {}),
            ("out", "text", "失礼いたしました。新しいクーポンをお送りします。", {}),
        ],
        [
            ("in", "text", "この店舗に在庫はありますか?", {}),
            _location("渋谷店", "東京都渋谷区道玄坂 2-1", 35.6580, 139.6994),
            _sticker("446", "1988"),
        ],
    ],
    "th": [
        [
            ("in", "text", "สวัสดีค่ะ คลาสโยคะวันเสาร์ยังว่างไหมคะ", {}),
            ("out", "text", "ยังว่างค่ะ จองให้เลยไหมคะ", {}),
            ("in", "text", "จองให้ 2 ที่ค่ะ", {}),
            ("out", "text", "จองเรียบร้อยแล้วค่ะ เจอกันวันเสาร์ 9 โมงนะคะ", {}),
            _sticker("11538", "51626494"),
        ],
        [
            ("in", "text", "สมาชิกรายเดือนต่ออายุยังไงครับ", {}),
            ("out", "text", "ต่ออายุได้ที่เคาน์เตอร์หรือในแอปได้เลยครับ", {}),
        ],
        [
            ("in", "text", "สาขาใหม่อยู่ตรงไหนครับ", {}),
            _location("Lumpini Move สาขาสีลม", "ถนนสีลม บางรัก กรุงเทพฯ", 13.7286, 100.5340),
        ],
        [
            ("in", "text", "ลืมผ้าเช็ดตัวไว้ที่ล็อกเกอร์ค่ะ", {}),
            _photo(120_500),
            ("out", "text", "เจอแล้วค่ะ เก็บไว้ที่เคาน์เตอร์นะคะ", {}),
        ],
    ],
    "ja_tea": [
        [
            ("in", "text", "抹茶の詰め合わせはギフト包装できますか?", {}),
            ("out", "text", "はい、無料で承ります。のし紙もお付けできます。", {}),
            ("in", "text", "では内祝いでお願いします", {}),
            _sticker("446", "1990"),
        ],
        [
            ("in", "text", "届いた茶葉の袋が破れていました", {}),
            _photo(210_000),
            ("out", "text", "申し訳ございません。すぐに新しい品をお送りします。", {}),
        ],
        [
            ("in", "text", "茶道体験の予約は土曜日も空いていますか?", {}),
            ("out", "text", "土曜は 11 時と 15 時に空きがございます。", {}),
        ],
        [
            ("in", "text", "お店の場所はここで合っていますか?", {}),
            _location("雲茶屋 本店", "京都府京都市東山区清水 2-208", 34.9963, 135.7800),
        ],
    ],
}
