"""Experts' pages: the inbox of their assignments (the brief and the moves live on the request page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.models import Role
from web.lists.inbox import expert_assignments
from web.views.common import role_required, signed_in


@role_required(Role.EXPERT)
def inbox(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    assignments = expert_assignments(signed_in(request), search=search)
    return render(request, "web/expert/inbox.html", {"assignments": assignments, "search": search})
