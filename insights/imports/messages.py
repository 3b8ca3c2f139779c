"""Human messages for import problems.

Jobs store a code and its parameters, never a rendered sentence, so the page and the API show
each problem in the reader's language, whichever language the worker ran in.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from insights.imports.parsing import max_upload_bytes


def _row(number) -> str:
    return number_format(number, force_grouping=True)


def row_error_message(error: dict) -> str:
    """'row 1,203, column blocks: 'abc' is not a number'."""
    reasons = {
        "not_a_number": _("“%(value)s” is not a number"),
        "not_a_whole_number": _("“%(value)s” is not a whole number"),
        "negative": _("“%(value)s” is negative; counts cannot be below zero"),
        "percent_range": _("“%(value)s” is not a percentage between 0 and 100"),
        "not_a_date": _("“%(value)s” is not a date (use YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD)"),
        "not_a_datetime": _("“%(value)s” is not a date and time (YYYY/MM/DD HH:MM:SS)"),
        "not_a_time": _("“%(value)s” is not a time (HH:MM or HH:MM:SS)"),
        "future_date": _("“%(value)s” is in the future"),
        "missing": _("the value is missing"),
        "not_a_past_date": _("“%(value)s” is not a past date (YYYY-MM-DD)"),
        "not_a_gender": _("“%(value)s” is not a gender (female, male, other)"),
        "not_yes_no": _("“%(value)s” is not yes or no"),
        "too_long": _("“%(value)s” is too long"),
        "not_a_currency": _("“%(value)s” is not a three-letter currency code such as JPY"),
        "amount_range": _(
            "“%(value)s” is not an amount between -999,999,999,999.99 and 999,999,999,999.99"
        ),
        "rejected": _("%(value)s"),
        "duplicate": _("the same %(column)s already appears in row %(first_row)s"),
    }
    params = {
        "value": error.get("value", ""),
        "column": error.get("column", ""),
        "first_row": _row(error.get("first_row", 0)),
    }
    reason = reasons.get(error.get("code", ""), _("the value is not valid")) % params
    location = _("row %(row)s, column %(column)s") % {
        "row": _row(error.get("row", 0)),
        "column": error.get("column", ""),
    }
    if error.get("file"):
        location = _("%(file)s, %(location)s") % {"file": error["file"], "location": location}
    return f"{location}: {reason}"


def failure_message(code: str, params: dict) -> str:
    """Why a whole file was refused."""
    params = {**params}
    messages = {
        "empty": _("The file is empty."),
        "no_rows": _("The file has a header but no data rows."),
        "no_valid_rows": _("Every row of the file was rejected; nothing was imported."),
        "binary": _(
            "This is not a text CSV file (it looks binary). Export the report from LINE Official Account Manager as CSV and upload that file."
        ),
        "encoding": _(
            "The file could not be read as %(encoding)s text. Save it as UTF-8 and upload it again."
        ),
        "malformed": _("The file is not valid CSV: %(detail)s"),
        "too_large": _(
            "The file is %(size_mb)s MB; the limit is %(limit_mb)s MB. Split the export into shorter date ranges."
        ),
        "over_limit": _(
            "The file is larger than the %(limit_mb)s MB limit. Split the export into shorter date ranges."
        ),
        "zip_too_large": _(
            "The zip unpacks to more than %(limit_mb)s MB, which is more than a chat backup can be; it was not imported."
        ),
        "zip_ratio": _(
            "“%(name)s” in the zip unpacks to more than %(ratio)s times its packed size, which no export does (a zip bomb); it was not imported."
        ),
        "zip_members": _(
            "The zip holds %(count)s files; at most %(limit)s are accepted. Upload the backup in parts."
        ),
        "zip_nested": _(
            "The zip contains another archive (“%(name)s”); archives inside a zip are not accepted. Unpack it and upload the CSV files."
        ),
        "bad_zip": _("The zip file is damaged and cannot be opened."),
        "empty_zip": _("The zip contains no CSV files."),
        "zip_report": _(
            "A zip can only be a chat history backup; upload other exports as separate CSV files."
        ),
        "wrong_account": _(
            "This file belongs to another OA (%(value)s), not to this one (%(expected)s); nothing was imported."
        ),
        "rows_rejected": _(
            "%(count)s rows have problems, so nothing of this file was imported. Fix them, or upload again with “skip bad rows”."
        ),
        "unknown_report": _(
            "The columns were not recognised. Map them to a report to import the file."
        ),
        "mapping_expired": _(
            "The columns were not mapped within %(days)s days, so the upload was removed. Upload the file again to import it."
        ),
        "worker_lost": _(
            "The worker importing this file stopped %(attempts)s times before it finished, so the import was given up; nothing of it was saved. Upload the file again, or split it if it is very large."
        ),
        "missing_file": _("The uploaded file is no longer available; upload it again."),
        "attribute_type": _(
            "The attribute “%(key)s” is a %(type)s attribute now, not what the mapping says; map the columns of a new upload again."
        ),
        "internal": _(
            "The import failed because of an error on our side; it has been logged. Try again later."
        ),
    }
    for number in ("count", "limit", "attempts"):
        if number in params:
            params[number] = _row(params[number])
    try:
        return messages.get(code, messages["internal"]) % params
    except (KeyError, TypeError, ValueError):
        return messages.get(code, messages["internal"]).split("%(")[0]


def upload_limit_mb() -> int:
    return max_upload_bytes() // (1024 * 1024)
