"""factory_boy factories. Tenant models are created through their `unscoped` manager because
creating a row needs no tenant scope (reading does)."""

import secrets

import factory
from factory.django import DjangoModelFactory

from oa_console.models import LineAccount, Membership, User, Workspace
from oa_console.roles import Role


class UnscopedFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return getattr(model_class, "unscoped", model_class._default_manager)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.SelfAttribute("email")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(DjangoModelFactory):
    class Meta:
        model = Workspace
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"workspace-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    kind = Workspace.Kind.BRAND


# A new range of channel ids per test run: per-channel rate-limit counters live in Redis (CI's
# REDIS_URL) for up to two hours, so ids reused by the next run would find its windows used up.
CHANNEL_ID_BASE = 1_000_000_000 + secrets.randbelow(8_000_000_000)


class LineAccountFactory(UnscopedFactory):
    class Meta:
        model = LineAccount

    workspace = factory.SubFactory(WorkspaceFactory)
    slug = factory.Sequence(lambda n: f"oa-{n}")
    display_name = factory.LazyAttribute(lambda o: o.slug.upper())
    basic_id = factory.Sequence(lambda n: f"@oa{n:05d}")
    channel_id = factory.Sequence(lambda n: f"{CHANNEL_ID_BASE + n}")
    channel_secret = factory.Sequence(lambda n: f"{n:032x}")
    access_token = factory.Sequence(lambda n: f"token-{n:040d}")
    time_zone = "Asia/Tokyo"


class MembershipFactory(UnscopedFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Role.VIEWER
    all_accounts = True
