"""API keys of a workspace: create (shown once), list, revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from oa_console.forms import ApiKeyForm
from oa_console.models import ApiKey
from oa_console.permissions import require
from oa_console.roles import Capability
from oa_console.selectors import api_key_list as select_api_keys
from oa_console.services import api_keys as api_key_services
from oa_console.views._forms import apply_service_errors
from oa_console.views._render import render_page

KEYS_PER_PAGE = 25


# A new key's one showing must not be stored by the browser or a proxy (back button, cache):
# Cache-Control: no-store on the page.
@never_cache
@require_http_methods(["GET", "POST"])
def api_key_list(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    require(request, Capability.MANAGE_API_KEYS)
    form = ApiKeyForm(request.POST or None, acting_role=request.membership.role)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            api_key, new_key = api_key_services.api_key_create(
                workspace=request.workspace,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                created_by=request.user,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            form = ApiKeyForm(acting_role=request.membership.role)
            messages.success(
                request,
                _("API key “%(name)s” created. Copy it now: it is not shown again.")
                % {"name": api_key.name},
            )
    page = Paginator(select_api_keys(), KEYS_PER_PAGE).get_page(request.GET.get("page"))
    # The raw key is rendered in this response only; it is never stored or shown again.
    return render_page(
        request,
        "oa_console/settings/api_keys.html",
        {
            "form": form,
            "page_obj": page,
            "new_key": new_key,
            "settings_tab": "api_keys",
        },
        partials=["api-keys-table"],
    )


@require_POST
def api_key_revoke(request: HttpRequest, workspace_slug: str, api_key_id: int) -> HttpResponse:
    require(request, Capability.MANAGE_API_KEYS)
    try:
        api_key_services.api_key_revoke(
            workspace=request.workspace, api_key_id=api_key_id, request=request
        )
    except ApiKey.DoesNotExist as exc:
        raise Http404 from exc
    if not request.htmx:  # an htmx request sees the table change instead
        messages.success(request, _("The API key was revoked; requests using it are now refused."))
    return redirect("api_key_list", workspace_slug=workspace_slug)
