"""Auto-reply pages of one OA, mounted at ``/w/<workspace>/oa/<account>/chats/auto-replies/``."""

from django.urls import path

from inbox.autoreplies import views

urlpatterns = [
    path("", views.auto_reply_list, name="auto_reply_list"),
    path("new/", views.auto_reply_create, name="auto_reply_create"),
    path("hours/", views.business_hours, name="business_hours"),
    path("<int:auto_reply_id>/", views.auto_reply_edit, name="auto_reply_edit"),
    path("<int:auto_reply_id>/delete/", views.auto_reply_delete, name="auto_reply_delete"),
    path("<int:auto_reply_id>/move/", views.auto_reply_move, name="auto_reply_move"),
    path("<int:auto_reply_id>/toggle/", views.auto_reply_toggle, name="auto_reply_toggle"),
]
