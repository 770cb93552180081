"""Hub staff's pages: the region's queue (also the management unit's cross-hub list), its saved views and
bulk change of owner, and the matching of experts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from helpdesk import services
from helpdesk.access import can, scope
from helpdesk.models import Role, SavedView, User
from helpdesk.selectors import FilterChoices, queue_filter_choices, saved_views_for
from helpdesk.selectors.experts import experts_absent_from_matching
from web import presenters
from web.forms.matching import MatchingFilterForm
from web.forms.moves import MoveForm, expert_choices
from web.forms.queue import BulkOwnerForm, QueueFilterForm, SavedViewForm
from web.lists.queue import queue_page
from web.middleware import client_ip
from web.params import parse_id
from web.views.common import move_form_perform, request_or_404, role_required, safe_next, signed_in
from workflows.matching import candidate_experts, candidates_filter
from workflows.selectors import available_transitions

# Candidates per page: on a phone each is a card, and the page stays a few screens long.
PAGE_SIZE = 20


def _filter_form(user: User, query: QueryDict) -> tuple[QueueFilterForm, FilterChoices]:
    region = query.get("region", "")
    choices = queue_filter_choices(user, region_id=parse_id(region))
    data = query.copy()
    # A queue opens on what still needs work; "any state" is one click away.
    data.setdefault("state", QueueFilterForm.OPEN)
    return QueueFilterForm(data, choices=choices), choices


@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form, choices = _filter_form(user, request.GET)
    filters = form.filters()
    page = queue_page(user, filters, after=request.GET.get("after"), before=request.GET.get("before"))
    # "Assign selected to…" offers the colleagues the filter bar lists ("take" is for oneself).
    colleagues = [(pk, name) for pk, name in choices.owners if pk != str(user.pk)]
    return render(
        request,
        "web/hub/queue.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            # Rows name their hub when the list spans hubs (the management unit's view).
            "all_hubs": choices.regions is not None,
            "hub_name": choices.hub,  # from the filter bar's kept choices: no read of the hub per page
            "saved_views": list(saved_views_for(user)),
            "current_query": form.saved_query(),
            "can_share": scope(user).hub_region_id is not None,
            "bulk_form": BulkOwnerForm(owners=colleagues),
            # What the page's filters match, every page of it: the filters as a saved view keeps them (valid
            # ones, the state always, no page cursor).
            "export_url": reverse("queue-export") + "?" + form.saved_query(),
        },
    )


def _back_to_queue(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, reverse("hub-queue")))


@require_POST
@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def queue_bulk_owner(request: HttpRequest) -> HttpResponse:
    """Take the ticked requests of the queue, or give them to a colleague; then back to the same queue."""
    user = signed_in(request)
    form = BulkOwnerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back_to_queue(request)
    references = form.references()
    if not references:
        messages.info(request, _("Tick the requests first."))
        return _back_to_queue(request)
    taking = form.cleaned_data["action"] == BulkOwnerForm.TAKE
    owner = user if taking else get_object_or_404(User, pk=form.cleaned_data["owner"], is_active=True)
    result = services.requests_owner_bulk_set(actor=user, references=references, owner=owner, ip=client_ip(request))
    count = len(result.changed)
    if taking:
        done = ngettext("You took %(count)d request.", "You took %(count)d requests.", count) % {"count": count}
    else:
        done = ngettext("%(count)d request given to %(person)s.", "%(count)d requests given to %(person)s.", count) % {
            "count": count,
            "person": owner,
        }
    messages.success(request, done)
    if result.refused:
        messages.warning(
            request,
            _("Not changed (not yours to assign, or the colleague does not work in their hub): %(references)s")
            % {"references": ", ".join(result.refused)},
        )
    return _back_to_queue(request)


@require_POST
@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def saved_view_create(request: HttpRequest) -> HttpResponse:
    """Save the queue's current filters under a name (normalised again here: the post is not trusted)."""
    user = signed_in(request)
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the view a name."))
        return _back_to_queue(request)
    query = _filter_form(user, QueryDict(form.cleaned_data["query"] or ""))[0].saved_query()
    try:
        view = services.saved_view_create(
            owner=user, name=form.cleaned_data["name"], query=query, shared=form.cleaned_data["shared"]
        )
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return _back_to_queue(request)
    messages.success(request, _("View saved: %(name)s.") % {"name": view.name})
    return HttpResponseRedirect(f"{reverse('hub-queue')}?{view.query}")


@require_POST
@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    # Only one's own: anyone else's view is not there to delete (404, not 403).
    view = get_object_or_404(SavedView, pk=pk, owner=user)
    services.saved_view_delete(view=view, actor=user)
    messages.success(request, _("View deleted: %(name)s.") % {"name": view.name})
    return _back_to_queue(request)


INDICATORS = "indicators"


def _indicator_params(params: QueryDict) -> dict[str, list[str]]:
    """The indicators' inputs of the matching form that hold something (the ticks and the figures)."""
    return {
        key: values
        for key in params
        if key == INDICATORS or key.startswith(f"{INDICATORS}-")
        if (values := [v for v in params.getlist(key) if v.strip()])
    }


@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def matching(request: HttpRequest, reference: str) -> HttpResponse:
    """Candidate experts ranked for one request, filtered and a page at a time; staff tick one or several (kept
    across filters and pages in the address: ``experts``) and propose them.

    Filtering and paging post the form too, so that what is ticked on this page is kept without any script; the
    answer is a redirect to the address that says it all (filters, page, ticked experts).
    """
    user = signed_in(request)
    support_request = request_or_404(user, reference)
    if not can(user, "match_experts", support_request):
        raise Http404
    # Routing to the pool, or proposing more experts while matching goes on: whichever the request allows now.
    spec = next((s for s in available_transitions(support_request, user) if s.chooses_experts), None)
    candidates = candidate_experts(support_request)
    params = request.POST if request.method == "POST" else request.GET
    filter_form = MatchingFilterForm(params)
    known = {c.expert.pk for c in candidates}
    selected = list(
        dict.fromkeys(pk for pk in map(parse_id, params.getlist("experts")) if pk is not None and pk in known)
    )
    # A post proposes unless one of the filter or page buttons sent it.
    proposing = request.method == "POST" and not ({"filter", "page"} & set(request.POST))
    if request.method == "POST" and not proposing:
        page_number = request.POST.get("page", "")
        query: dict[str, Any] = {**filter_form.query(), **({"page": page_number} if page_number.isdecimal() else {})}
        address = reverse("request-matching", args=[reference])
        query |= {"experts": selected, **_indicator_params(request.POST)}
        return HttpResponseRedirect(f"{address}?{urlencode(query, doseq=True)}")
    data = request.POST if proposing else None
    form = MoveForm(spec, support_request, data, expert_choices=expert_choices(candidates)) if spec else None
    indicators = form[INDICATORS] if form is not None and INDICATORS in form.fields else None
    if form is not None and indicators is not None and data is None and _indicator_params(params):
        # The indicators ticked before filtering or paging, carried in the address like the experts.
        form.initial[INDICATORS] = indicators.field.widget.value_from_datadict(params, None, INDICATORS)
    if proposing:
        if form is None or spec is None:
            messages.info(request, _("Experts cannot be proposed on this request now."))
            return HttpResponseRedirect(support_request.get_absolute_url())
        done = move_form_perform(
            request,
            support_request=support_request,
            user=user,
            spec=spec,
            form=form,
            done=_("Experts proposed: they are asked to accept or decline."),
            next_url=support_request.get_absolute_url(),
        )
        if done is not None:
            return done
    filters = filter_form.filters()
    shown = candidates_filter(candidates, filters)
    page = Paginator(shown, PAGE_SIZE).get_page(params.get("page") or params.get("at"))
    on_page = {c.expert.pk for c in page}
    chosen = set(selected)
    return render(
        request,
        "web/hub/matching.html",
        {
            "req": support_request,
            "view": presenters.request_view(support_request, user),
            "page": page,
            "candidates": page.object_list,
            # Ticked experts this page does not show stay ticked at the top, where they can be unticked.
            "kept": [c for c in candidates if c.expert.pk in chosen and c.expert.pk not in on_page],
            "total": len(candidates),
            "filter_form": filter_form,
            "spec": spec,
            "form": form,
            # Routing to the pool may name the key indicators the support aims to move (optional).
            "indicators": indicators,
            "selected": chosen,
            # Experts the name search finds who may not be proposed, and why (suspended, unavailable, ...).
            "absent": experts_absent_from_matching(support_request, filters.name),
        },
    )
