"""Forms API, under ``/api/v1/accounts/<account_id>/``: CRUD on ``forms/`` (a form with its
questions in one document) and the paginated ``forms/<id>/answers/``.

Reads are open to every role that reads pages; writes need ``Capability.EDIT_SEGMENTS`` (a
form's answers write friends' attributes and tags). A refused form answers 400 with
``error.fields`` naming the field (``questions`` with the question's number).
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from liff_forms.api.serializers import (
    FormInputSerializer,
    FormOutputSerializer,
    FormSubmissionOutputSerializer,
    form_input,
    question_output,
    submission_output,
)
from liff_forms.models import Form
from liff_forms.selectors.answers import submission_list
from liff_forms.selectors.forms import form_get, form_list, form_public_url, form_questions
from liff_forms.services import forms as services
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability

EDIT = Capability.EDIT_SEGMENTS
READ = Capability.READ_ALL_PAGES
FORM_ERRORS = [
    (
        400,
        "a field is missing or refused (a malformed `liff_id` or `login_channel_id`, a "
        "question without options, an attribute of the wrong type, an unknown tag); "
        "`error.fields` names the field.",
    )
]
NOT_FOUND = [(404, "no form with this id in the OA.")]


def _form(request, form: Form) -> dict:
    return {
        "id": form.pk,
        "title": form.title,
        "intro": form.intro,
        "liff_id": form.liff_id,
        "login_channel_id": form.login_channel_id,
        "status": form.status,
        "answer_mode": form.answer_mode,
        "thanks_text": form.thanks_text,
        "public_url": form_public_url(form),
        "questions": [question_output(q) for q in form_questions(form=form)],
        "created_at": form.created_at,
        "updated_at": form.updated_at,
    }


class FormListApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=FormOutputSerializer(many=True),
        summary="List forms",
        description=operation_description(
            "The OA's forms, newest first, each with its questions.",
            returns="a page (`count`, `next`, `previous`, `results`) of forms.",
            capability=READ,
        ),
    )
    def get(self, request, account_id: int):
        self.require(READ)
        forms = self.paginate(form_list(account=self.account))
        return self.paginated_response([_form(request, form) for form in forms])

    @extend_schema(
        request=FormInputSerializer,
        responses={201: FormOutputSerializer},
        summary="Create a form",
        description=operation_description(
            "A form and its questions, in order. `kind`: text, single, multiple, date, number "
            "(`min_value`, `max_value`) or consent (always required). Choice questions have 2 "
            "to 20 `options`, each optionally tagging the friends who pick it (`tag_id`); "
            "`attribute_id` stores the answer in a friend attribute of the matching type "
            "(text for text and choices, date, number, yes/no for consent).",
            returns="201 with the form; `public_url` is the LIFF app's endpoint URL.",
            capability=EDIT,
            errors=FORM_ERRORS,
        ),
    )
    def post(self, request, account_id: int):
        self.require(EDIT)
        data = FormInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settings, questions = form_input(data.validated_data)
        form = services.form_create(account=self.account, data=settings, questions=questions)
        return Response(_form(request, form), status=status.HTTP_201_CREATED)


class FormDetailApi(AccountApiView):
    def _get(self, form_id: int) -> Form:
        form = form_get(account=self.account, form_id=form_id)
        if form is None:
            raise Http404
        return form

    @extend_schema(
        responses=FormOutputSerializer,
        summary="Get a form",
        description=operation_description(
            "One form of the OA with its questions.",
            returns="the form.",
            capability=READ,
            errors=NOT_FOUND,
        ),
    )
    def get(self, request, account_id: int, form_id: int):
        self.require(READ)
        return Response(_form(request, self._get(form_id)))

    @extend_schema(
        request=FormInputSerializer,
        responses=FormOutputSerializer,
        summary="Replace a form",
        description=operation_description(
            "Replaces the form's settings and questions: questions given with their `id` are "
            "kept with their answers, those without are added, the others deleted with their "
            "answers.",
            returns="the form.",
            capability=EDIT,
            errors=[*FORM_ERRORS, *NOT_FOUND],
        ),
    )
    def put(self, request, account_id: int, form_id: int):
        form = self._get(form_id)
        self.require(EDIT)
        data = FormInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settings, questions = form_input(data.validated_data)
        form = services.form_update(form=form, data=settings, questions=questions)
        return Response(_form(request, form))

    @extend_schema(
        responses={204: None},
        summary="Delete a form",
        description=operation_description(
            "Deletes the form and its answers; the attributes and tags they set stay.",
            returns="204.",
            capability=EDIT,
            errors=NOT_FOUND,
        ),
    )
    def delete(self, request, account_id: int, form_id: int):
        form = self._get(form_id)
        self.require(EDIT)
        services.form_delete(form=form)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FormAnswersApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        responses=FormSubmissionOutputSerializer(many=True),
        summary="List a form's answers",
        description=operation_description(
            "The form's submissions, newest first, each with the friend and every answer.",
            returns="a page (`count`, `next`, `previous`, `results`) of submissions.",
            capability=READ,
            errors=NOT_FOUND,
        ),
    )
    def get(self, request, account_id: int, form_id: int):
        self.require(READ)
        form = form_get(account=self.account, form_id=form_id)
        if form is None:
            raise Http404
        submissions = self.paginate(submission_list(form=form))
        return self.paginated_response([submission_output(s) for s in submissions])
