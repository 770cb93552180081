"""Experts' pages: the inbox of their assignments (the brief and the moves live on the request page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.models import Role
from helpdesk.selectors.experts import expert_standby_until
from web.lists.inbox import expert_assignments
from web.views.common import role_required, signed_in


@role_required(Role.EXPERT)
def inbox(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    search = request.GET.get("q", "").strip()[:100]
    assignments = expert_assignments(user, search=search)
    context = {"assignments": assignments, "search": search, "standby_until": expert_standby_until(user)}
    return render(request, "web/expert/inbox.html", context)
