"""The coupons API's routes, under ``/api/v1/accounts/<account_id>/``."""

from django.urls import path

from coupons.api.coupons import CouponCloseApi, CouponDetailApi, CouponListApi, CouponSyncApi

urlpatterns = [
    path("coupons/", CouponListApi.as_view(), name="api_coupon_list"),
    path("coupons/sync/", CouponSyncApi.as_view(), name="api_coupon_sync"),
    path("coupons/<int:coupon_id>/", CouponDetailApi.as_view(), name="api_coupon_detail"),
    path("coupons/<int:coupon_id>/close/", CouponCloseApi.as_view(), name="api_coupon_close"),
]
