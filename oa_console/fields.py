"""Fields encrypted at rest (channel secrets, access tokens, friends' chat messages).

Fernet (AES-128-CBC + HMAC) from ``cryptography``: the database only ever holds ciphertext, so
a leaked dump or backup does not leak the credentials that let anyone message an OA's friends.
"""

import base64
import hashlib
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        if not settings.DEBUG:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set outside DEBUG.")
        digest = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def encrypt_text(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt_text(value: str) -> str:
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted: FIELD_ENCRYPTION_KEY changed without keeping "
            "the old key in the list."
        ) from exc


def encrypt_bytes(value: bytes) -> bytes:
    """Fernet ciphertext of a file's bytes (chat media at rest), under the field key."""
    return _fernet().encrypt(value)


def decrypt_bytes(value: bytes) -> bytes:
    try:
        return _fernet().decrypt(value)
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored file cannot be decrypted: FIELD_ENCRYPTION_KEY changed without keeping "
            "the old key in the list."
        ) from exc


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees the plaintext."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt_text(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt_text(value)


class EncryptedJSONField(models.TextField):
    """A JSON document stored as Fernet ciphertext (a chat message's LINE payload): nothing in
    it can be queried, which is the point; Python code sees the decoded value."""

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return json.loads(decrypt_text(value))

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


def mask_secret(value: str, visible: int = 4) -> str:
    """The last few characters only, so an admin can tell which secret is stored."""
    if not value:
        return ""
    if len(value) <= visible * 2:
        return "•" * 8
    return "•" * 8 + value[-visible:]
