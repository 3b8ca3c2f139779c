"""Friends pages, included under ``/w/<workspace>/oa/<account>/friends/``."""

from django.urls import path

from segments import views

urlpatterns = [
    path("", views.friend_list, name="account_friends"),
    path("<str:line_user_id>/", views.friend_detail, name="friend_detail"),
]
