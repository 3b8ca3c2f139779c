"""Webhook signing secrets of an OA: webhook steps name one, the console signs with it.

Everyone may read the names (a builder needs them); only admins and owners add or delete. A
secret's value is shown once, on the answer to the form that made it, and never again.
"""

from __future__ import annotations

import secrets as random_secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from journeys.models import WebhookSecret
from journeys.services.errors import JourneyError
from journeys.services.secrets import webhook_secret_create, webhook_secret_delete
from journeys.views.common import PER_PAGE, may_activate, may_edit, require_activate
from journeys.views.forms import SecretForm
from oa_console.views._render import render_page

TEMPLATE = "journeys/secrets.html"


def _page(request: HttpRequest, form: SecretForm, *, created=None, value: str = "") -> HttpResponse:
    secrets = WebhookSecret.objects.for_account(request.account).order_by("name")
    page = Paginator(secrets, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        TEMPLATE,
        {
            "page_obj": page,
            "form": form,
            "can_manage": may_activate(request),
            "can_edit": may_edit(request),
            "created": created,
            "created_value": value,
        },
    )


@require_http_methods(["GET", "POST"])
def secret_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    if request.method == "GET":
        return _page(request, SecretForm())
    require_activate(request)
    form = SecretForm(request.POST)
    if form.is_valid():
        value = form.cleaned_data["secret"] or random_secrets.token_urlsafe(32)
        try:
            created = webhook_secret_create(
                account=request.account,
                name=form.cleaned_data["name"],
                secret=value,
                user=request.user,
                request=request,
            )
        except JourneyError as exc:
            form.add_error("secret" if exc.code == "secret_length" else "name", exc.message)
        else:
            # Answered here rather than redirected: the value is shown this once.
            return _page(request, SecretForm(), created=created, value=value)
    response = _page(request, form)
    response.status_code = 400
    return response


@require_POST
def secret_delete(
    request: HttpRequest, workspace_slug: str, account_slug: str, secret_id: int
) -> HttpResponse:
    secret = WebhookSecret.objects.for_account(request.account).filter(pk=secret_id).first()
    if secret is None:
        raise Http404
    require_activate(request)
    try:
        webhook_secret_delete(
            account=request.account, secret=secret, user=request.user, request=request
        )
    except JourneyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Secret “%(name)s” deleted.") % {"name": secret.name})
    return redirect("journey_secrets", request.workspace.slug, request.account.slug)
