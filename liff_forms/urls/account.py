"""Forms of one OA, mounted at ``/w/<workspace>/oa/<account>/forms/``."""

from django.urls import path

from liff_forms.views import builder, results

urlpatterns = [
    path("", builder.form_list_page, name="form_list"),
    path("new/", builder.form_create_page, name="form_create"),
    path("<int:form_id>/", results.form_detail_page, name="form_detail"),
    path("<int:form_id>/settings/", builder.form_edit_page, name="form_edit"),
    path("<int:form_id>/delete/", builder.form_delete_page, name="form_delete"),
    path("<int:form_id>/answers.csv", results.form_answers_csv, name="form_answers_csv"),
    path(
        "<int:form_id>/questions/new/",
        builder.question_create_page,
        name="form_question_create",
    ),
    path(
        "<int:form_id>/questions/<int:question_id>/",
        builder.question_edit_page,
        name="form_question_edit",
    ),
    path(
        "<int:form_id>/questions/<int:question_id>/delete/",
        builder.question_delete_page,
        name="form_question_delete",
    ),
    path(
        "<int:form_id>/questions/<int:question_id>/move/",
        builder.question_move_page,
        name="form_question_move",
    ),
    path(
        "<int:form_id>/questions/<int:question_id>/answers/",
        results.question_answers_page,
        name="form_question_answers",
    ),
]
