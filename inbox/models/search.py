"""The blind n-gram index of conversation messages: search without plain text in the database.

Message text is encrypted at rest, so no index may hold it. Each message's text is normalised
(NFKC, casefold), cut into character bigrams (and single characters outside ASCII, for
one-character Japanese, Chinese or Thai queries), and each gram is hashed with a keyed HMAC
into a 32-bit integer (``inbox.services.search_index``). A query's grams must all be among a
message's: that finds candidates, whose text is then decrypted and checked. See
docs/inbox-search.md.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Lookup

from inbox.models.conversation import Conversation
from inbox.models.message import ConversationMessage
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class GramArrayField(models.Field):
    """A set of hashed grams: ``integer[]`` on PostgreSQL (with a GIN index, queried with
    ``@>``), a space-delimited text elsewhere (SQLite: queried with one LIKE per gram, a slow
    but correct path for the embedded demo)."""

    description = "hashed n-grams"

    def db_type(self, connection) -> str:
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        grams = sorted({int(gram) for gram in value})
        if connection.vendor == "postgresql":
            return grams
        return " " + " ".join(map(str, grams)) + " "

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return [int(gram) for gram in value.split()]

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value
        return [int(gram) for gram in str(value).split()]


@GramArrayField.register_lookup
class HasGrams(Lookup):
    """``grams__has_grams=[...]``: the row holds every gram given."""

    lookup_name = "has_grams"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        grams = sorted({int(gram) for gram in self.rhs})
        if not grams:
            return "1=1", []
        if connection.vendor == "postgresql":
            return f"{lhs} @> %s::integer[]", [*lhs_params, grams]
        clauses = " AND ".join(f"{lhs} LIKE %s" for _ in grams)
        params: list = []
        for gram in grams:
            params += [*lhs_params, f"% {gram} %"]
        return f"({clauses})", params


class MessageSearch(models.Model):
    """One row per text-bearing message: its hashed grams. A table of its own keeps the wide
    message rows out of the index scans, and lets the index be rebuilt (a new key, a new
    normalisation) without touching the messages."""

    message = models.OneToOneField(
        ConversationMessage, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Indexed with the message id (below): a search's newest-first scan of one OA reads it.
    account = models.ForeignKey(
        LineAccount, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    grams = GramArrayField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        indexes = [models.Index(fields=["account", "-message"], name="message_search_newest")]

    def __str__(self) -> str:
        return f"search grams of message {self.message_id}"
