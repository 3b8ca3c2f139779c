"""LINE's coupon vocabulary (messaging-api.yml, CouponCreateRequest and CouponResponse) and its
limits, in one place for the form, the API and the services.

LINE names time zones by its own enum (``ASIA_TOKYO``); the console shows and computes with
IANA names, so each is mapped here. LINE's ``ETC_GMT_MINUS_12`` is UTC-12, which the IANA
database spells ``Etc/GMT+12`` (its ``Etc`` signs are inverted).
"""

from __future__ import annotations

TITLE_MAX = 60
DESCRIPTION_MAX = 1000
USAGE_CONDITION_MAX = 100
PERCENTAGE_MIN, PERCENTAGE_MAX = 1, 99
LOTTERY_PROBABILITY_MIN, LOTTERY_PROBABILITY_MAX = 1, 99
ACQUIRE_COUNT_MAX = 999_999
NO_LIMIT = -1  # LINE's "no limit" for maxUseCountPerTicket and maxAcquireCount
AMOUNT_MAX = 10**12  # LINE's amounts are int64; a sanity bound for forms

TIMEZONES: dict[str, str] = {
    "ETC_GMT_MINUS_12": "Etc/GMT+12",
    "ETC_GMT_MINUS_11": "Etc/GMT+11",
    "PACIFIC_HONOLULU": "Pacific/Honolulu",
    "AMERICA_ANCHORAGE": "America/Anchorage",
    "AMERICA_LOS_ANGELES": "America/Los_Angeles",
    "AMERICA_PHOENIX": "America/Phoenix",
    "AMERICA_CHICAGO": "America/Chicago",
    "AMERICA_NEW_YORK": "America/New_York",
    "AMERICA_CARACAS": "America/Caracas",
    "AMERICA_SANTIAGO": "America/Santiago",
    "AMERICA_ST_JOHNS": "America/St_Johns",
    "AMERICA_SAO_PAULO": "America/Sao_Paulo",
    "ETC_GMT_MINUS_2": "Etc/GMT+2",
    "ATLANTIC_CAPE_VERDE": "Atlantic/Cape_Verde",
    "EUROPE_LONDON": "Europe/London",
    "EUROPE_PARIS": "Europe/Paris",
    "EUROPE_ISTANBUL": "Europe/Istanbul",
    "EUROPE_MOSCOW": "Europe/Moscow",
    "ASIA_TEHRAN": "Asia/Tehran",
    "ASIA_TBILISI": "Asia/Tbilisi",
    "ASIA_KABUL": "Asia/Kabul",
    "ASIA_TASHKENT": "Asia/Tashkent",
    "ASIA_COLOMBO": "Asia/Colombo",
    "ASIA_KATHMANDU": "Asia/Kathmandu",
    "ASIA_ALMATY": "Asia/Almaty",
    "ASIA_RANGOON": "Asia/Yangon",
    "ASIA_BANGKOK": "Asia/Bangkok",
    "ASIA_TAIPEI": "Asia/Taipei",
    "ASIA_TOKYO": "Asia/Tokyo",
    "AUSTRALIA_DARWIN": "Australia/Darwin",
    "AUSTRALIA_SYDNEY": "Australia/Sydney",
    "ASIA_VLADIVOSTOK": "Asia/Vladivostok",
    "ETC_GMT_PLUS_12": "Etc/GMT-12",
    "PACIFIC_TONGATAPU": "Pacific/Tongatapu",
}

# The OA's own zone picks the coupon's default: the LINE zone of the same IANA name, else the
# zone LINE's markets (Japan, Taiwan, Thailand) share the most.
DEFAULT_TIMEZONE = "ASIA_TOKYO"


def line_timezone_for(iana_name: str) -> str:
    """LINE's enum value for an IANA zone name (the OA's), or the default."""
    aliases = {"Asia/Jakarta": "ASIA_BANGKOK", "Asia/Bangkok": "ASIA_BANGKOK"}
    for line_name, iana in TIMEZONES.items():
        if iana == iana_name:
            return line_name
    return aliases.get(iana_name, DEFAULT_TIMEZONE)
