"""``manage.py create_user``: create a login and give it a role in a workspace."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from oa_console.management.base import OpsCommand
from oa_console.models import LineAccount, Membership, User, Workspace
from oa_console.services.memberships import membership_set
from oa_console.services.users import user_create


class Command(OpsCommand):
    help = (
        "Create a user with a role in a workspace, optionally limited to some of its OAs "
        "(--accounts, for an agency's client login). If the e-mail address already belongs to a "
        "user, the command only adds a membership in a workspace the user is not yet a member of; "
        "it never changes an existing password (omit --password, or give the current one) and "
        "refuses if the user is already a member of that workspace (change roles in the "
        "workspace's member settings instead)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="Login e-mail address.")
        parser.add_argument(
            "--password",
            help="Password for a new user (required then; checked by the password validators).",
        )
        parser.add_argument("--workspace", required=True, help="Workspace slug.")
        parser.add_argument("--role", required=True, help="owner, admin, marketer or viewer.")
        parser.add_argument(
            "--accounts",
            default="",
            help="Comma-separated OA slugs to limit the membership to (default: every OA).",
        )

    def handle(
        self,
        *args: Any,
        email: str,
        password: str | None,
        workspace: str,
        role: str,
        accounts: str,
        **options: Any,
    ) -> None:
        target = self.workspace(workspace)
        role = self.role(role)
        account_ids = self._account_ids(target, accounts)
        email = User.objects.normalize_email(email.strip()).lower()
        with self.writing():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                if not password:
                    raise CommandError("--password: required to create a new user.")
                user = user_create(email=email, password=password)
                action = "Created user"
            else:
                self._check_existing(user, target, password)
                action = "Added existing user"
            membership_set(
                workspace=target,
                user=user,
                role=role,
                all_accounts=not account_ids,
                account_ids=account_ids,
            )
        limit = f", limited to OAs {accounts}" if account_ids else ""
        self.stdout.write(f"{action} {user.email} as {role} of workspace {target.slug}{limit}.")

    def _account_ids(self, workspace: Workspace, accounts: str) -> list[int]:
        slugs = [slug.strip() for slug in accounts.split(",") if slug.strip()]
        if not slugs:
            return []
        found = dict(
            LineAccount.objects.for_workspace(workspace)
            .filter(slug__in=slugs)
            .values_list("slug", "pk")
        )
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise CommandError(
                f"--accounts: no OA {', '.join(missing)} in workspace {workspace.slug}."
            )
        return [found[slug] for slug in slugs]

    def _check_existing(self, user: User, workspace: Workspace, password: str | None) -> None:
        if Membership.objects.for_workspace(workspace).filter(user=user).exists():
            raise CommandError(
                f"--email: {user.email} is already a member of workspace {workspace.slug}; "
                "change the role in the workspace's member settings."
            )
        if password and not user.check_password(password):
            raise CommandError(
                f"--password: {user.email} already exists with another password; this command "
                "never changes a password (use manage.py changepassword)."
            )
