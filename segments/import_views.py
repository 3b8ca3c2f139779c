"""The member data import page: a CSV of member data keyed by LINE user id or member id, or a
CSV of orders (purchases); the result, or every problem by row and column, is shown on the
same page."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from oa_console.permissions import require
from oa_console.roles import Capability
from segments.member_import import BUILTIN_ALIASES, MAX_BYTES, MemberImportError, member_import
from segments.order_import import orders_import


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, UTF-16 or Shift_JIS; first row is the header; at most 20 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class OrdersImportForm(MemberImportForm):
    currency = forms.RegexField(
        label=_("Currency when the file has none"),
        regex=r"^[A-Z]{3}$",
        initial="JPY",
        max_length=3,
        error_messages={"invalid": _("Three capital letters, such as JPY.")},
    )


@require_http_methods(["GET", "POST"])
def member_import_page(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    require(request, Capability.UPLOAD_IMPORTS)
    result, orders_result, problem, errors, status = None, None, "", [], 200
    form, orders_form = MemberImportForm(prefix="members"), OrdersImportForm(prefix="orders")
    if request.method == "POST" and request.POST.get("kind") == "orders":
        orders_form = OrdersImportForm(request.POST, request.FILES, prefix="orders")
        if orders_form.is_valid():
            try:
                orders_result = orders_import(
                    account=request.account,
                    content=orders_form.cleaned_data["file"].read(),
                    default_currency=orders_form.cleaned_data["currency"],
                )
                orders_form = OrdersImportForm(prefix="orders")
            except MemberImportError as exc:
                problem, errors, status = str(exc), exc.errors, 400
        else:
            status = 400
    elif request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES, prefix="members")
        if form.is_valid():
            try:
                result = member_import(
                    account=request.account, content=form.cleaned_data["file"].read()
                )
                form = MemberImportForm(prefix="members")
            except MemberImportError as exc:
                problem, errors, status = str(exc), exc.errors, 400
        else:
            status = 400
    return render(
        request,
        "segments/member_import.html",
        {
            "form": form,
            "orders_form": orders_form,
            "result": result,
            "orders_result": orders_result,
            "problem": problem,
            "errors": errors,
            "builtin": BUILTIN_ALIASES,
        },
        status=status,
    )
