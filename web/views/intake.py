"""Before a city files: the new-request form's suggestions ("these may answer you") and the way into one.

The form's script asks for the fragment as the title is typed (web/static/web/desk.js); without scripting the
form's "Look for answers first" button posts it back to itself (web.views.city), which shows the same list.
Opening a suggestion goes through ``suggestion_open``, which counts it for the deflection figures.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from helpdesk import selectors, services
from helpdesk.models import Role
from helpdesk.selectors.intake import QUERY_MAX_CHARS
from web.intake import intake_key, intake_new, suggestion_lines
from web.views.common import role_required, signed_in


@role_required(Role.FOCAL_POINT)
def suggestions(request: HttpRequest) -> HttpResponse:
    """The suggestions for ``q`` as an HTML fragment; shown ones are counted once per form session."""
    user = signed_in(request)
    # Only a session the form started is counted (the form's script always names it).
    key = intake_key(request.GET.get("intake"))
    token = request.GET["intake"] if key is not None else intake_new()
    found = selectors.intake_suggestions(user, request.GET.get("q", "")[:QUERY_MAX_CHARS])
    if found and key is not None:
        services.intake_shown(key=key)
    return render(request, "web/city/intake_suggestions.html", {"suggestions": suggestion_lines(found, token)})


@role_required(Role.FOCAL_POINT)
def suggestion_open(request: HttpRequest) -> HttpResponse:
    """Count the opening, then go to the suggested resource or request (404 for anything not suggestible)."""
    user = signed_in(request)
    slug = request.GET.get("resource", "")[:200]
    reference = request.GET.get("request", "")[:40]
    url = None
    if slug:
        resource = selectors.intake_suggestion_resource(user, slug)
        url = resource.get_absolute_url() if resource is not None else None
    elif reference:
        answered = selectors.intake_suggestion_request(user, reference)
        url = answered.get_absolute_url() if answered is not None else None
    if url is None:
        raise Http404
    key = intake_key(request.GET.get("intake"))
    if key is not None:
        services.intake_opened(key=key)
    return HttpResponseRedirect(url)
