"""Hub staff's pages: the region's queue (also the management unit's cross-hub list)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from helpdesk.access import can
from helpdesk.models import Role
from helpdesk.selectors import queue_filter_choices
from web import presenters
from web.forms.matching import MatchingFilterForm
from web.forms.moves import MoveForm
from web.forms.queue import QueueFilterForm
from web.lists.queue import queue_page
from web.views.common import conflict_response, request_or_404, role_required, signed_in
from workflows.errors import TransitionConflict, TransitionRefused
from workflows.matching import candidate_experts, candidates_filter
from workflows.selectors import available_transitions
from workflows.services import transition_perform

# Candidates per page: on a phone each is a card, and the page stays a few screens long.
PAGE_SIZE = 20


@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    region = request.GET.get("region", "")
    choices = queue_filter_choices(user, region_id=int(region) if region.isdecimal() else None)
    data = request.GET.copy()
    # A queue opens on what still needs work; "any state" is one click away.
    data.setdefault("state", QueueFilterForm.OPEN)
    form = QueueFilterForm(data, choices=choices)
    filters = form.filters()
    page = queue_page(user, filters, after=request.GET.get("after"), before=request.GET.get("before"))
    return render(
        request,
        "web/hub/queue.html",
        # Rows name their hub when the list spans hubs (the management unit's view).
        {"form": form, "page": page, "filters": filters, "all_hubs": choices.regions is not None},
    )


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
    selected = list(dict.fromkeys(int(v) for v in params.getlist("experts") if v.isdecimal() and int(v) in known))
    # A post proposes unless one of the filter or page buttons sent it.
    proposing = request.method == "POST" and not ({"filter", "page"} & set(request.POST))
    if request.method == "POST" and not proposing:
        page_number = request.POST.get("page", "")
        query = {**filter_form.query(), **({"page": page_number} if page_number.isdecimal() else {})}
        address = reverse("request-matching", args=[reference])
        return HttpResponseRedirect(f"{address}?{urlencode({**query, 'experts': selected}, doseq=True)}")
    choices = [(c.expert.pk, str(c.expert)) for c in candidates]
    data = request.POST if proposing else None
    form = MoveForm(spec, support_request, data, expert_choices=choices) if spec else None
    if proposing:
        if form is None or spec is None:
            messages.info(request, _("Experts cannot be proposed on this request now."))
            return HttpResponseRedirect(support_request.get_absolute_url())
        if form.is_valid():
            try:
                transition_perform(request=support_request, transition=spec.name, actor=user, data=form.move_data())
            except TransitionConflict as conflict:
                return conflict_response(request, support_request, conflict)
            except TransitionRefused as refusal:
                form.show_refusal(refusal)
            else:
                messages.success(request, _("Experts proposed: they are asked to accept or decline."))
                return HttpResponseRedirect(support_request.get_absolute_url())
    shown = candidates_filter(candidates, filter_form.filters())
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
            "selected": chosen,
        },
    )
