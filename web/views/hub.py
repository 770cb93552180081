"""Hub staff's pages: the region's queue (also the management unit's cross-hub list)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from helpdesk.access import can
from helpdesk.models import Role
from helpdesk.selectors import queue_filter_choices
from web import presenters
from web.forms.moves import MoveForm
from web.forms.queue import QueueFilterForm
from web.lists.queue import queue_page
from web.views.common import conflict_response, request_or_404, role_required, signed_in
from workflows.errors import TransitionConflict, TransitionRefused
from workflows.matching import candidate_experts
from workflows.selectors import available_transitions
from workflows.services import transition_perform

SHORTLIST = 30


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
    # The export lists what the page's filters match (the page's own default state included), every page of it.
    export = data.copy()
    for cursor in ("after", "before"):
        export.pop(cursor, None)
    return render(
        request,
        "web/hub/queue.html",
        # Rows name their hub when the list spans hubs (the management unit's view).
        {
            "form": form,
            "page": page,
            "filters": filters,
            "all_hubs": choices.regions is not None,
            "export_url": reverse("queue-export") + "?" + export.urlencode(),
        },
    )


@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def matching(request: HttpRequest, reference: str) -> HttpResponse:
    """Candidate experts ranked for one request; staff tick one or several and propose them."""
    user = signed_in(request)
    support_request = request_or_404(user, reference)
    if not can(user, "match_experts", support_request):
        raise Http404
    # Routing to the pool, or proposing more experts while matching goes on: whichever the request allows now.
    spec = next((s for s in available_transitions(support_request, user) if s.chooses_experts), None)
    candidates = candidate_experts(support_request)
    choices = [(c.expert.pk, str(c.expert)) for c in candidates]
    form = MoveForm(spec, support_request, request.POST or None, expert_choices=choices) if spec else None
    if request.method == "POST":
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
    # The pool is a few hundred people: the best matches come first, the rest one click away.
    show_all = request.GET.get("all") == "1" or request.method == "POST"
    selected = {int(v) for v in request.POST.getlist("experts") if v.isdecimal()} if request.method == "POST" else set()
    return render(
        request,
        "web/hub/matching.html",
        {
            "req": support_request,
            "view": presenters.request_view(support_request, user),
            "candidates": candidates if show_all else candidates[:SHORTLIST],
            "hidden_count": 0 if show_all else max(len(candidates) - SHORTLIST, 0),
            "spec": spec,
            "form": form,
            "selected": selected,
        },
    )
