"""Coupon pages of one OA: the list (paginated, filtered by status) with "Sync from LINE",
the new-coupon form (also prefilled as a copy), a coupon's page and its close button.

Everyone who reads the OA's pages sees the coupons; ``Capability.DRAFT_BROADCASTS`` (marketers
and up, who compose what is sent) creates, closes and syncs them. Plain forms and links work
without JavaScript; htmx swaps the form's errors in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from coupons import selectors, services
from coupons.forms import CouponForm
from coupons.models import Coupon
from coupons.sent import SentCount, coupon_sent_counts
from coupons.sent import sources as sent_sources
from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.views._forms import apply_service_errors
from oa_console.views._render import render_page

PER_PAGE = 25
EDIT = Capability.DRAFT_BROADCASTS
FORM = "coupon-form"


def _coupon_or_404(request: HttpRequest, coupon_id: int) -> Coupon:
    coupon = selectors.coupon_get(account=request.account, coupon_id=coupon_id)
    if coupon is None:
        raise Http404
    return coupon


def _detail_url(request: HttpRequest, coupon: Coupon) -> str:
    account = request.account
    return reverse("coupon_detail", args=[account.workspace.slug, account.slug, coupon.pk])


@require_GET
def coupon_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Coupon.Status.values:
        status = ""
    coupons = selectors.coupon_list(account=request.account, status=status)
    page = Paginator(coupons, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "coupons/list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": Coupon.Status.choices,
            "can_edit": can(request, EDIT),
            "page_query": f"status={status}&" if status else "",
            "sync": selectors.coupon_sync_latest(account=request.account),
        },
    )


def _form_page(request: HttpRequest, form: CouponForm, source=None, status=200) -> HttpResponse:
    context = {"form": form, "source": source}
    if request.htmx:
        return render_page(request, "coupons/form.html", context, fragment=FORM)
    return render(request, "coupons/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def coupon_create(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require(request, EDIT)
    account = request.account
    source = None
    if request.GET.get("copy", "").isdigit():
        source = selectors.coupon_get(account=account, coupon_id=int(request.GET["copy"]))
    if request.method == "GET":
        initial = CouponForm.initial_for(source) if source else {}
        return _form_page(request, CouponForm(initial=initial, account=account), source)
    form = CouponForm(request.POST, account=account)
    if form.is_valid():
        try:
            coupon = services.coupon_create(
                account=account, data=form.coupon_input(), user=request.user
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Coupon “%(title)s” created in LINE.") % {"title": coupon.title}
            )
            target = _detail_url(request, coupon)
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    return _form_page(request, form, source, status=400)


def _sent_rows(request: HttpRequest, coupon: Coupon) -> list[dict]:
    """What each sending app sent of the coupon (``coupons.sent``), one row per app."""
    counts = coupon_sent_counts(account=request.account).get(coupon.line_coupon_id, {})
    return [
        {"label": source.label, "count": counts.get(source.key, SentCount())}
        for source in sent_sources()
    ]


@require_GET
def coupon_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, coupon_id: int
) -> HttpResponse:
    coupon = _coupon_or_404(request, coupon_id)
    return render(
        request,
        "coupons/detail.html",
        {
            "coupon": coupon,
            "can_edit": can(request, EDIT),
            "sent": _sent_rows(request, coupon),
        },
    )


@require_http_methods(["GET", "POST"])
def coupon_close(
    request: HttpRequest, workspace_slug: str, account_slug: str, coupon_id: int
) -> HttpResponse:
    """GET asks for confirmation (a page, so it works without JavaScript); POST closes, and
    with ``then=copy`` opens the new-coupon form prefilled from it."""
    coupon = _coupon_or_404(request, coupon_id)
    require(request, EDIT)
    if request.method == "GET":
        if coupon.status == Coupon.Status.CLOSED:
            return redirect(_detail_url(request, coupon))
        return render(request, "coupons/close.html", {"coupon": coupon})
    try:
        services.coupon_close(coupon=coupon)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_detail_url(request, coupon))
    messages.success(request, _("Coupon “%(title)s” closed.") % {"title": coupon.title})
    if request.POST.get("then") == "copy":
        account = request.account
        target = reverse("coupon_create", args=[account.workspace.slug, account.slug])
        return redirect(f"{target}?copy={coupon.pk}")
    return redirect(_detail_url(request, coupon))


@require_POST
def coupon_sync(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require(request, EDIT)
    try:
        result = services.coupons_sync(account=request.account)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Read from LINE: %(added)s new, %(updated)s changed.")
            % {"added": result.added, "updated": result.updated},
        )
    return redirect("coupon_list", workspace_slug, account_slug)
