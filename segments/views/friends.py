"""Friends pages: the searchable, filterable list (bulk tagging, CSV export of the view) and one
friend's page (profile, history, tags, attributes, segments, events)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from oa_console import audit, labels
from oa_console.permissions import agent_page, can, require
from oa_console.roles import Capability
from oa_console.views._render import render_page
from segments.models import Friend, FriendTag
from segments.registries.friend_panels import friend_panels_render
from segments.selectors import attributes as attribute_selectors
from segments.selectors import campaigns as campaign_selectors
from segments.selectors import friends as selectors
from segments.selectors import segments as segment_selectors
from segments.selectors import tags as tag_selectors
from segments.services import tagging
from segments.views.exports import friends_csv_response
from segments.views.filter_forms import ATTRIBUTE_VALUE_MAX, FriendFilterForm

FRIENDS_PER_PAGE = 50
# htmx target ids the list answers with one fragment (a {% partialdef %} of the same name).
LIST_PARTIALS = ("friend-results",)


def _filters(request: HttpRequest, params: QueryDict) -> dict:
    """The list's filters (from the query string, or the bulk form that carries them), each
    validated by ``FriendFilterForm`` and checked against the OA; an invalid one is left out
    and its error shown beside the filters."""
    account = request.account
    definitions = {d.key: d for d in attribute_selectors.attribute_definition_list(account=account)}
    form = FriendFilterForm(params, definitions=definitions)
    form.is_valid()
    cleaned = form.cleaned_data
    tag = None
    if cleaned.get("tag"):
        tag = tag_selectors.tag_get(account=account, tag_id=cleaned["tag"])
    attribute = None
    if cleaned.get("attribute"):
        attribute = selectors.AttributeFilter(*cleaned["attribute"])
    elif cleaned.get("attr") in definitions and "attr_value" in form.errors:
        # A value the attribute cannot hold matches no one (AttributeFilter never queries
        # it); the error beside the filter says why.
        raw = params.get("attr_value", "")[:ATTRIBUTE_VALUE_MAX]
        attribute = selectors.AttributeFilter(definitions[cleaned["attr"]], raw)
    return {
        "search": cleaned.get("q", ""),
        "status": cleaned.get("status", ""),
        "tag": tag,
        "attribute": attribute,
        # What was typed stays in the box beside its error, so it can be corrected.
        "attribute_key": cleaned.get("attr", "") if cleaned.get("attr") in definitions else "",
        "attribute_value": attribute.value if attribute else "",
        "definitions": list(definitions.values()),
        "filter_form": form,
    }


def _friends(request: HttpRequest, filters: dict):
    return selectors.friend_list(
        account=request.account,
        search=filters["search"],
        status=filters["status"],
        tag_id=filters["tag"].pk if filters["tag"] else None,
        attribute=filters["attribute"],
    )


@require_GET
@agent_page
def friend_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return _friend_list_page(request, _filters(request, request.GET))


def _friend_list_page(request: HttpRequest, filters: dict, *, status: int = 200) -> HttpResponse:
    page = Paginator(_friends(request, filters), FRIENDS_PER_PAGE).get_page(request.GET.get("page"))
    response = render_page(
        request,
        "segments/friend_list.html",
        {
            "page_obj": page,
            **filters,
            "statuses": Friend.Status.choices,
            "tags": list(tag_selectors.tag_list(account=request.account)),
            "filtered": bool(
                filters["search"] or filters["status"] or filters["tag"] or filters["attribute"]
            ),
            "query": request.GET.urlencode(),
            "can_edit": can(request, Capability.EDIT_SEGMENTS),
        },
        partials=LIST_PARTIALS,
    )
    if response.status_code == 200:
        response.status_code = status
    return response


@require_GET
def friend_export(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """The list as filtered, every page, as CSV. With a filter that is not valid there is no
    download: the list answers 400 with the filter's error in place, so a file never holds
    a different selection than the one asked for."""
    filters = _filters(request, request.GET)
    if filters["filter_form"].errors:
        return _friend_list_page(request, filters, status=400)
    audit.record_export(
        request,
        export="friends",
        account=request.account,
        details={"filters": _filter_summary(filters)},
    )
    return friends_csv_response(_friends(request, filters), filename="friends.csv")


def _filter_summary(filters: dict) -> str:
    """The filters of an export as the audit log shows them ("" = every friend)."""
    parts = [
        filters["search"] and f"q={filters['search']}",
        filters["status"] and str(Friend.Status(filters["status"]).label),
        filters["tag"] and f"tag={filters['tag'].name}",
        filters["attribute"] and f"{filters['attribute_key']}={filters['attribute_value']}",
    ]
    return ", ".join(part for part in parts if part)


@require_POST
def friend_bulk_tag(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """Add or remove a tag on the selected friends, or on every friend the filters match."""
    require(request, Capability.EDIT_SEGMENTS)
    account = request.account
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("account_friends", args=[workspace_slug, account_slug])
    tag_id = request.POST.get("bulk_tag", "")
    tag = tag_selectors.tag_get(account=account, tag_id=int(tag_id)) if tag_id.isdigit() else None
    if tag is None:
        messages.error(request, _("Choose a tag."))
        return redirect(back)
    if request.POST.get("scope") == "all":
        filters = _filters(request, request.POST)
        ids = list(_friends(request, filters).values_list("pk", flat=True))
    else:
        wanted = [int(v) for v in request.POST.getlist("friend") if v.isdigit()]
        ids = list(
            Friend.objects.filter(account=account, pk__in=wanted).values_list("pk", flat=True)
        )
    if request.POST.get("action") == "remove":
        count = tagging.friend_tags_remove(account=account, tag=tag, friend_ids=ids)
        text = ngettext(
            "“%(tag)s” removed from %(count)s friend.",
            "“%(tag)s” removed from %(count)s friends.",
            count,
        )
    else:
        count = tagging.friend_tags_add(
            account=account, tag=tag, friend_ids=ids, source=FriendTag.Source.MANUAL
        )
        text = ngettext(
            "“%(tag)s” added to %(count)s friend.", "“%(tag)s” added to %(count)s friends.", count
        )
    messages.success(request, text % {"tag": tag.name, "count": count})
    return redirect(back)


@agent_page
@require_GET
def friend_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, line_user_id: str
) -> HttpResponse:
    friend = selectors.friend_get(account=request.account, line_user_id=line_user_id)
    if friend is None:
        raise Http404
    tags = list(tag_selectors.friend_tags(friend=friend))
    carried = {item.tag_id for item in tags}
    return render(
        request,
        "segments/friend_detail.html",
        {
            "friend": friend,
            "history": list(selectors.friend_status_history(friend=friend)[:100]),
            "interactions": selectors.friend_interactions_recent(friend=friend, limit=50),
            "friend_tags": tags,
            "other_tags": [
                tag
                for tag in tag_selectors.tag_list(account=request.account)
                if tag.pk not in carried
            ],
            "attributes": selectors.friend_attributes(friend=friend),
            "segments": segment_selectors.segments_of_friend(friend=friend),
            "custom_events": selectors.friend_custom_events_recent(friend=friend, limit=50),
            "campaign_visit": campaign_selectors.campaign_visit_of_friend(friend=friend),
            "add_source_name": labels.add_source_label(
                friend.add_source,
                campaign_selectors.campaign_names_by_source(account=request.account),
            ),
            "can_edit": can(request, Capability.EDIT_SEGMENTS) and friend.erased_at is None,
            "can_manage_personal_data": can(request, Capability.MANAGE_PERSONAL_DATA),
            "friend_panels": friend_panels_render(request, friend),
        },
    )
