"""Reads of forms: the OA's list with answer counts, one form with its questions, and the
public page's lookup by key."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.urls import reverse

from liff_forms.models import Form, Question, Submission
from oa_console.models import LineAccount
from segments.models import Friend


def form_list(*, account: LineAccount) -> QuerySet[Form]:
    return (
        Form.objects.for_account(account)
        .annotate(
            question_count=Count("questions", distinct=True),
            submission_count=Count("submissions", distinct=True),
            last_answer_at=Max("submissions__submitted_at"),
        )
        .order_by("-created_at", "-pk")
    )


def form_choices(*, account: LineAccount) -> list[tuple[int, str]]:
    """(id, title) of every form, for a picker (journeys' "form answered" trigger)."""
    return list(
        Form.objects.for_account(account).order_by("title", "pk").values_list("pk", "title")
    )


def form_get(*, account: LineAccount, form_id: int) -> Form | None:
    return Form.objects.for_account(account).filter(pk=form_id).first()


def form_questions(*, form: Form) -> list[Question]:
    return list(
        Question.objects.for_account(form.account)
        .filter(form=form)
        .select_related("attribute")
        .order_by("position", "pk")
    )


def question_get(*, form: Form, question_id: int) -> Question | None:
    return Question.objects.for_account(form.account).filter(form=form, pk=question_id).first()


def form_get_public(*, public_key: str) -> Form | None:
    """The form of a public LIFF page: the key in the URL names it before any tenant is
    known (the page has no login), so this read crosses tenants by design."""
    if not public_key or len(public_key) > 40:
        return None
    return Form.unscoped.select_related("account").filter(public_key=public_key).first()


def demo_answering_friend(*, form: Form) -> str:
    """The LINE user id of a friend of the form's OA who has not answered it (the oldest
    friend when all have): who answers in the embedded demo, which has no LINE app."""
    account = form.account
    answered = Submission.objects.for_account(account).filter(form=form).values("friend_id")
    friends = Friend.objects.for_account(account).order_by("pk")
    friend = friends.exclude(pk__in=answered).first() or friends.first()
    return friend.line_user_id if friend else ""


def form_public_url(form: Form) -> str:
    """The form's public page: the endpoint URL to give its LIFF app in the LINE Developers
    console (on the console's public address, as LINE requires https there)."""
    return settings.PUBLIC_BASE_URL + reverse("liff_form", kwargs={"form_key": form.public_key})
