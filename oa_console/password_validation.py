"""Password rules whose messages the console's own catalogues translate.

Django's Thai catalogue has no translation of the minimum-length help text and error, so the
password pages showed them in English on a Thai page. The same messages are written here, so
``make messages`` extracts them into ``locale/`` (which wins over Django's catalogues) and every
language of the console carries them.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return (
            ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
