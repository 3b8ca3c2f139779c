"""Coupon pages of one OA, mounted at ``/w/<workspace>/oa/<account>/coupons/``."""

from django.urls import path

from coupons import views

urlpatterns = [
    path("", views.coupon_list, name="coupon_list"),
    path("new/", views.coupon_create, name="coupon_create"),
    path("sync/", views.coupon_sync, name="coupon_sync"),
    path("<int:coupon_id>/", views.coupon_detail, name="coupon_detail"),
    path("<int:coupon_id>/close/", views.coupon_close, name="coupon_close"),
]
