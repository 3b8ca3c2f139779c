"""What forms hold about a friend, for personal-data requests (registered into
``segments.personal_data`` from ``LiffFormsConfig.ready``): every form they answered and each
answer, as they gave it.

Erasure deletes the submissions and their answers: an answer is what the friend wrote, so it
cannot be kept anonymously the way a count can. The attributes and tags the answers set are
segments' (erased with the friend row).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from liff_forms.models import Answer, Submission
from segments.personal_data.registry import (
    PersonalDataProvider,
    Section,
    Subject,
    register_provider,
)


def export(subject: Subject) -> list[Section]:
    answers = (
        Answer.objects.for_account(subject.account)
        .filter(submission__friend=subject.friend)
        .select_related("submission__form", "question")
        .order_by("submission__submitted_at", "submission_id", "question__position", "id")
    )
    return [
        Section(
            "form_answers",
            _("Form answers"),
            [
                {
                    "form": answer.submission.form.title,
                    "submitted_at": answer.submission.submitted_at,
                    "question": answer.question.label,
                    "answer": answer.display,
                }
                for answer in answers
            ],
        )
    ]


def erase(subject: Subject) -> dict[str, int]:
    deleted = (
        Submission.objects.for_account(subject.account).filter(friend=subject.friend).delete()[1]
    )
    return {
        "form_submissions": deleted.get(Submission._meta.label, 0),
        "form_answers": deleted.get(Answer._meta.label, 0),
    }


PROVIDER = PersonalDataProvider(app="liff_forms", export=export, erase=erase, order=30)


def register_personal_data() -> None:
    """Join the personal-data requests (called from ``LiffFormsConfig.ready``)."""
    register_provider(PROVIDER)
