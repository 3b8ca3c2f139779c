"""What friends answered: one submission per friend and form (or per submission, as the form
says) and its answers, one row per question, typed so results are counted in the database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from liff_forms.models.forms import Form, Question
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models import Friend


class Submission(models.Model):
    """A friend's answers to a form. ``per_friend`` copies the form's mode at the time of the
    answer, so the database keeps one row per friend for such forms even under concurrency."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="submissions")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="+")
    per_friend = models.BooleanField(default=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "friend"],
                condition=models.Q(per_friend=True),
                name="form_submission_once_per_friend",
            )
        ]
        indexes = [models.Index(fields=["form", "submitted_at"], name="form_submission_time")]

    def __str__(self) -> str:
        return f"{self.form_id} by {self.friend_id}"


class Answer(models.Model):
    """One answer: exactly the column of the question's kind is set (``choices`` holds the
    picked option indexes of a choice question)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value_text = models.TextField(blank=True)
    value_number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    value_bool = models.BooleanField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["question__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"], name="form_answer_once_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.display}"

    @property
    def display(self) -> str:
        """The answer as a person reads it (option labels, not indexes)."""
        question = self.question
        if question.has_options:
            labels = [
                question.options[i]["label"]
                for i in self.choices
                if isinstance(i, int) and 0 <= i < len(question.options)
            ]
            return ", ".join(labels)
        if self.value_number is not None:
            return format(self.value_number.normalize(), "f")
        if self.value_date is not None:
            return self.value_date.isoformat()
        if self.value_bool is not None:
            return str(_("yes") if self.value_bool else _("no"))
        return self.value_text
