"""Campaign add-friend links: the page (links with visits and attributed follows, create,
rename, delete), each link's QR code as SVG, and the public redirect that records visits."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from oa_console.links import is_web_link
from oa_console.models import User
from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.throttle import client_address, within_limit
from oa_console.views._forms import apply_service_errors
from segments.selectors import campaigns as campaign_selectors
from segments.services import campaigns
from segments.views.campaign_forms import CampaignLinkForm

LINKS_PER_PAGE = 20
QR_THUMBNAIL_SCALE = 2


def _page(request: HttpRequest, *, form: CampaignLinkForm | None = None, status: int = 200):
    account = request.account
    page = Paginator(campaign_selectors.campaign_link_list(account=account), LINKS_PER_PAGE)
    page_obj = page.get_page(request.GET.get("page"))
    tags = campaign_selectors.source_tag_names(
        account=account, sources={link.source for link in page_obj}
    )
    rows = [
        {
            "link": link,
            "url": campaigns.campaign_link_url(link),
            "qr": mark_safe(campaigns.campaign_link_qr_svg(link, scale=QR_THUMBNAIL_SCALE)),
            "tags": tags.get(link.source, []),
            "rate": round(link.follow_count / link.visit_count * 100, 1)
            if link.visit_count
            else None,
        }
        for link in page_obj
    ]
    return render(
        request,
        "segments/campaigns.html",
        {
            "page_obj": page_obj,
            "rows": rows,
            "form": form or CampaignLinkForm(account=account),
            "can_edit": can(request, Capability.EDIT_SEGMENTS),
            "add_friend_url": campaigns.add_friend_url(account),
            "window_minutes": int(campaigns.ATTRIBUTION_WINDOW.total_seconds() // 60),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """GET the page; POST creates a link."""
    if request.method == "GET":
        return _page(request)
    require(request, Capability.EDIT_SEGMENTS)
    form = CampaignLinkForm(request.POST, account=request.account)
    if form.is_valid():
        try:
            link = campaigns.campaign_link_create(
                account=request.account,
                name=form.cleaned_data["name"],
                source=form.cleaned_data["source"],
                tag=form.cleaned_data["tag"],
                created_by=request.user if isinstance(request.user, User) else None,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Link “%(name)s” created.") % {"name": link.name})
            return redirect("campaign_list", workspace_slug, account_slug)
    return _page(request, form=form, status=400)


def _link_or_404(request: HttpRequest, link_id: int):
    link = campaign_selectors.campaign_link_get(account=request.account, link_id=link_id)
    if link is None:
        raise Http404
    return link


@require_GET
def campaign_qr(
    request: HttpRequest, workspace_slug: str, account_slug: str, link_id: int
) -> HttpResponse:
    """The QR code at print size; ``?download=1`` saves it as a file."""
    link = _link_or_404(request, link_id)
    response = HttpResponse(campaigns.campaign_link_qr_file(link), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="qr-{link.source}.svg"'
    return response


@require_POST
def campaign_rename(
    request: HttpRequest, workspace_slug: str, account_slug: str, link_id: int
) -> HttpResponse:
    link = _link_or_404(request, link_id)
    require(request, Capability.EDIT_SEGMENTS)
    try:
        campaigns.campaign_link_update(link=link, name=request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Link renamed."))
    return redirect("campaign_list", workspace_slug, account_slug)


@require_POST
def campaign_delete(
    request: HttpRequest, workspace_slug: str, account_slug: str, link_id: int
) -> HttpResponse:
    link = _link_or_404(request, link_id)
    require(request, Capability.EDIT_SEGMENTS)
    campaigns.campaign_link_delete(link=link)
    messages.success(
        request,
        _("Link “%(name)s” deleted; its QR codes no longer lead anywhere.") % {"name": link.name},
    )
    return redirect("campaign_list", workspace_slug, account_slug)


# Remembers the link a browser just opened, so scanning the same code twice within the
# attribution window is one visit: a second, unclaimed visit could otherwise be credited with
# someone else's follow.
VISIT_COOKIE = "oa_campaign_visit"
# Visits from one address that count per link and hour (a shop's QR code poster is scanned by
# many phones on one wifi); beyond it the visitor still reaches LINE, uncounted, so a script
# replaying the link cannot claim other people's follows.
VISITS_COUNTED_PER_ADDRESS = 30
VISIT_WINDOW_SECONDS = 3600


@never_cache
@require_safe
def campaign_link_redirect(request: HttpRequest, token: str) -> HttpResponse:
    """Public (people scan the QR code without a console login): record, then send to LINE."""
    token = token[:64]
    repeat = request.COOKIES.get(VISIT_COOKIE) == token
    counted = (
        request.method == "GET"
        and not repeat
        and within_limit(
            scope="campaign_visit",
            subject=f"{client_address(request)} {token}",
            limit=VISITS_COUNTED_PER_ADDRESS,
            window_seconds=VISIT_WINDOW_SECONDS,
        )
    )
    result = campaigns.campaign_visit_record(
        token=token, user_agent=request.headers.get("User-Agent", ""), count=counted
    )
    if result.url is None or not is_web_link(result.url):  # only ever LINE's https address
        return render(request, "segments/campaign_unknown.html", status=404)
    response = HttpResponseRedirect(result.url)
    response["Referrer-Policy"] = "no-referrer"
    if result.recorded:
        response.set_cookie(
            VISIT_COOKIE,
            token,
            max_age=int(campaigns.ATTRIBUTION_WINDOW.total_seconds()),
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response
