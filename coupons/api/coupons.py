"""Coupons API, under ``/api/v1/accounts/<account_id>/coupons/``: list (``?status=``) and
create, one coupon, close (``…/close/``) and sync from LINE (``…/sync/``).

Reads are open to every role that reads the OA's pages; writes need
``Capability.DRAFT_BROADCASTS``, as the pages do. LINE forbids editing a coupon, so there is no
PUT/PATCH: close it and create another. LINE's refusals answer 400 (``error.fields`` naming the
field LINE named); LINE not answering, limiting the rate or answering what cannot be read
answers 400 ``line_unavailable`` with a message saying to try again (a 4xx, as before: the
request may be sent again as it is, and nothing was written).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from coupons import line_terms as terms
from coupons import selectors, services
from coupons.api.output import CouponOutputSerializer, coupon_output
from coupons.models import Coupon
from coupons.validation import cross_field_errors
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description
from oa_console.api.objects import acting_user
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability

EDIT = Capability.DRAFT_BROADCASTS
MISSING = (404, "no coupon with this id in the OA.")
LINE_REFUSED = (
    400,
    "a field breaks LINE's limits or is out of range (`error.fields` names it), or LINE "
    "refused the coupon (`error.fields` names the field LINE named).",
)
LINE_UNAVAILABLE = (
    400,
    "LINE did not answer, limited the rate or answered what cannot be read "
    "(`line_unavailable`; `error.message` says to try again).",
)
# Coupon times LINE can hold and a marketer means: years 2000 to 2099 (UTC).
MOMENT_MIN = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
MOMENT_MAX = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


class LineUnavailable(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "line_unavailable"


def _asking_line(call):
    """``call()`` (a coupon service); LINE not answering becomes 400 ``line_unavailable``."""
    try:
        return call()
    except services.LineUnavailable as exc:
        raise LineUnavailable(" ".join(exc.messages)) from exc


class CouponMomentField(serializers.DateTimeField):
    """ISO 8601 with an offset, between 2000 and 2099: LINE keeps epoch seconds, and a year
    outside those is a typo (or would not fit once converted)."""

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not MOMENT_MIN <= moment < MOMENT_MAX:
            raise serializers.ValidationError(_("Enter a time between the years 2000 and 2099."))
        return moment


class CouponInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=terms.TITLE_MAX)
    description = serializers.CharField(
        max_length=terms.DESCRIPTION_MAX, required=False, allow_blank=True, default=""
    )
    usage_condition = serializers.CharField(
        max_length=terms.USAGE_CONDITION_MAX, required=False, allow_blank=True, default=""
    )
    image_url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    reward = serializers.ChoiceField(choices=Coupon.Reward.choices)
    price_type = serializers.ChoiceField(
        choices=["percentage", "fixed", "explicit"],
        required=False,
        allow_blank=True,
        default="",
        help_text="for `discount` (percentage, fixed, explicit) and `cashBack` (percentage, "
        "fixed) only",
    )
    percentage = serializers.IntegerField(
        min_value=terms.PERCENTAGE_MIN, max_value=terms.PERCENTAGE_MAX, required=False
    )
    fixed_amount = serializers.IntegerField(min_value=1, max_value=terms.AMOUNT_MAX, required=False)
    original_price = serializers.IntegerField(
        min_value=1, max_value=terms.AMOUNT_MAX, required=False
    )
    price_after_discount = serializers.IntegerField(
        min_value=0, max_value=terms.AMOUNT_MAX, required=False
    )
    starts_at = CouponMomentField(help_text="ISO 8601 with an offset, years 2000 to 2099")
    ends_at = CouponMomentField(help_text="ISO 8601 with an offset, years 2000 to 2099")
    timezone = serializers.ChoiceField(
        choices=list(terms.TIMEZONES), help_text="LINE's time zone of the validity period"
    )
    visibility = serializers.ChoiceField(choices=["PUBLIC", "UNLISTED"])
    max_use_count_per_ticket = serializers.ChoiceField(
        choices=[1, -1], required=False, default=1, help_text="1 (once) or -1 (no limit)"
    )
    acquisition = serializers.ChoiceField(
        choices=["normal", "lottery"], required=False, default="normal"
    )
    lottery_probability = serializers.IntegerField(
        min_value=terms.LOTTERY_PROBABILITY_MIN,
        max_value=terms.LOTTERY_PROBABILITY_MAX,
        required=False,
    )
    max_acquire_count = serializers.IntegerField(
        min_value=1,
        max_value=terms.ACQUIRE_COUNT_MAX,
        required=False,
        help_text="lottery only; omitted: no limit",
    )

    def validate(self, attrs: dict) -> dict:
        errors = cross_field_errors(attrs)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def coupon_input(self) -> services.CouponInput:
        data = self.validated_data
        price = data["price_type"] if data["reward"] in ("discount", "cashBack") else ""
        lottery = data["acquisition"] == "lottery"
        return services.CouponInput(
            title=data["title"],
            description=data["description"],
            usage_condition=data["usage_condition"],
            image_url=data["image_url"],
            reward=data["reward"],
            price_type=price,
            percentage=data.get("percentage") if price == "percentage" else None,
            fixed_amount=data.get("fixed_amount") if price == "fixed" else None,
            original_price=data.get("original_price") if price == "explicit" else None,
            price_after_discount=data.get("price_after_discount") if price == "explicit" else None,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            timezone=data["timezone"],
            visibility=data["visibility"],
            max_use_count_per_ticket=int(data["max_use_count_per_ticket"]),
            acquisition=data["acquisition"],
            lottery_probability=data.get("lottery_probability") if lottery else None,
            max_acquire_count=data.get("max_acquire_count") if lottery else None,
        )


class CouponListApi(AccountApiView):
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, enum=Coupon.Status.values, description="only coupons in this status"
            )
        ],
        responses=CouponOutputSerializer(many=True),
        summary="List coupons",
        description=operation_description(
            "The OA's coupons, newest first: those created here and those read from LINE "
            "(created in LINE Official Account Manager).",
            returns="a page (`count`, `next`, `previous`, `results`) of coupons.",
            errors=[(400, "an unknown `status`.")],
        ),
    )
    def get(self, request, account_id: int):
        self.require(Capability.READ_ALL_PAGES)
        status_filter = request.query_params.get("status", "")
        if status_filter and status_filter not in Coupon.Status.values:
            raise DjangoValidationError({"status": [_("Unknown status.")]})
        coupons = self.paginate(selectors.coupon_list(account=self.account, status=status_filter))
        return self.paginated_response([coupon_output(c) for c in coupons])

    @extend_schema(
        request=CouponInputSerializer,
        responses={201: CouponOutputSerializer},
        summary="Create a coupon in LINE",
        description=operation_description(
            "Creates the coupon through LINE's Coupon API and keeps it. `starts_at`/`ends_at` "
            "are ISO 8601 with an offset; `timezone` is LINE's zone shown to friends. LINE "
            "does not allow editing a coupon afterwards.",
            returns="201 with the coupon (status RUNNING).",
            capability=EDIT,
            errors=[LINE_REFUSED, LINE_UNAVAILABLE],
        ),
    )
    def post(self, request, account_id: int):
        self.require(EDIT)
        data = CouponInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        coupon = _asking_line(
            lambda: services.coupon_create(
                account=self.account, data=data.coupon_input(), user=acting_user(request)
            )
        )
        return Response(coupon_output(coupon), status=status.HTTP_201_CREATED)


class _CouponApi(AccountApiView):
    def coupon(self, coupon_id: int) -> Coupon:
        coupon = selectors.coupon_get(account=self.account, coupon_id=coupon_id)
        if coupon is None:
            raise Http404
        return coupon


class CouponDetailApi(_CouponApi):
    @extend_schema(
        responses=CouponOutputSerializer,
        summary="Get a coupon",
        description=operation_description(
            "One coupon of the OA, with how many messages the console sent with it.",
            returns="the coupon.",
            errors=[MISSING],
        ),
    )
    def get(self, request, account_id: int, coupon_id: int):
        self.require(Capability.READ_ALL_PAGES)
        return Response(coupon_output(self.coupon(coupon_id)))


class CouponCloseApi(_CouponApi):
    @extend_schema(
        request=None,
        responses=CouponOutputSerializer,
        summary="Close a coupon",
        description=operation_description(
            "Ends the coupon in LINE: friends can no longer get or use it. A coupon already "
            "closed in LINE Official Account Manager is closed here too.",
            returns="the closed coupon.",
            capability=EDIT,
            errors=[
                MISSING,
                (400, "the coupon is already closed, or LINE refused."),
                LINE_UNAVAILABLE,
            ],
        ),
    )
    def post(self, request, account_id: int, coupon_id: int):
        coupon = self.coupon(coupon_id)
        self.require(EDIT)
        return Response(coupon_output(_asking_line(lambda: services.coupon_close(coupon=coupon))))


class CouponSyncApi(AccountApiView):
    @extend_schema(
        request=None,
        responses=inline_serializer(
            "CouponSync",
            {"added": serializers.IntegerField(), "updated": serializers.IntegerField()},
        ),
        summary="Read the coupons from LINE",
        description=operation_description(
            "Reads every coupon LINE holds for the OA: those created in LINE Official Account "
            "Manager are added, and each known coupon takes LINE's status.",
            returns="how many coupons were added and how many changed status.",
            capability=EDIT,
            errors=[(400, "LINE refused; nothing was changed."), LINE_UNAVAILABLE],
        ),
    )
    def post(self, request, account_id: int):
        self.require(EDIT)
        result = _asking_line(lambda: services.coupons_sync(account=self.account))
        return Response({"added": result.added, "updated": result.updated})
