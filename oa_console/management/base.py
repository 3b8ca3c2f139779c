"""What every operations command shares: one-line errors that name the option, workspace lookup.

Services raise ``ValidationError`` keyed by model field; an operator typed options, so the
message names the option (``--time-zone``) rather than the field (``time_zone``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oa_console.models import Workspace
from oa_console.roles import ROLE_RANK


def option_name(field: str, overrides: Mapping[str, str]) -> str:
    return overrides.get(field, "--" + field.replace("_", "-"))


def one_line(exc: ValidationError, overrides: Mapping[str, str]) -> str:
    """Flatten a ValidationError into ``--option: reason. --other: reason.``"""
    if hasattr(exc, "error_dict"):
        parts = []
        for field, messages in exc.message_dict.items():
            text = " ".join(messages)
            parts.append(
                text if field == NON_FIELD_ERRORS else f"{option_name(field, overrides)}: {text}"
            )
        line = " ".join(parts)
    else:
        line = " ".join(exc.messages)
    return " ".join(line.split())


class OpsCommand(BaseCommand):
    """Base for commands that write through services; subclasses map fields to their options."""

    field_options: ClassVar[dict[str, str]] = {}

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One transaction for the whole command, so a refusal leaves nothing half-written.

        The rollback happens before the error is translated, because the atomic block is the
        inner context.
        """
        try:
            with transaction.atomic():
                yield
        except ValidationError as exc:
            raise CommandError(one_line(exc, self.field_options)) from exc

    def workspace(self, slug: str) -> Workspace:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"--workspace: no workspace with the slug “{slug}”.")
        return workspace

    def role(self, role: str) -> str:
        if role not in ROLE_RANK:
            choices = ", ".join(sorted(ROLE_RANK, key=ROLE_RANK.__getitem__, reverse=True))
            raise CommandError(f"--role: unknown role “{role}”; choose one of {choices}.")
        return role
