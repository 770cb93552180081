"""A hub's calendar: its time zone, working week, closure days and the public holidays of its countries, which
every deadline of its requests counts on. Its staff read it; its lead and the management unit keep it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.access import can
from helpdesk.models import HubClosure, Region, Role, User
from helpdesk.selectors.hubs import hub_calendar_page, hub_for_calendar
from helpdesk.services.hubs import hub_calendar_set, hub_closure_add, hub_closure_remove
from web.forms.hubs import ClosureForm, HubCalendarForm
from web.ratelimits import limit_posts
from web.views.common import role_required, service_refusal_show, signed_in


def _page(
    request: HttpRequest,
    user: User,
    pk: int,
    *,
    calendar_form: HubCalendarForm | None = None,
    closure_form: ClosureForm | None = None,
) -> HttpResponse:
    page = hub_calendar_page(user, pk)
    if page is None:
        raise Http404
    context: dict[str, Any] = {"page": page, "hub": page.hub}
    if page.may_edit:
        context["calendar_form"] = calendar_form or HubCalendarForm(hub=page.hub)
        context["closure_form"] = closure_form or ClosureForm()
    return render(request, "web/hubs/calendar.html", context)


def _hub_to_keep(user: User, pk: int) -> Region:
    """The hub whose calendar ``user`` changes: 404 if they may not even read it, 403 if they only read it."""
    hub = hub_for_calendar(user, pk)
    if hub is None:
        raise Http404
    if not can(user, "edit_hub_calendar", hub):
        raise PermissionDenied
    return hub


def _back(hub: Region) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("hub-calendar", args=[hub.pk]))


@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
@limit_posts
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The calendar; a post sets its time zone and working week."""
    user = signed_in(request)
    if request.method != "POST":
        return _page(request, user, pk)
    hub = _hub_to_keep(user, pk)
    form = HubCalendarForm(request.POST, hub=hub)
    if form.is_valid():
        try:
            changed = hub_calendar_set(
                hub=hub,
                actor=user,
                time_zone=form.cleaned_data["time_zone"],
                working_days=form.cleaned_data["working_days"],
            )
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        else:
            messages.success(
                request,
                _("Calendar saved: deadlines set from now on count on it.") if changed else _("Nothing to change."),
            )
            return _back(hub)
    return _page(request, user, pk, calendar_form=form)


@require_POST
@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
@limit_posts
def closure_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    hub = _hub_to_keep(user, pk)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            hub_closure_add(hub=hub, actor=user, day=form.cleaned_data["day"], name=form.cleaned_data["name"])
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        else:
            messages.success(request, _("Closure day added."))
            return _back(hub)
    return _page(request, user, pk, closure_form=form)


@require_POST
@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
@limit_posts
def closure_remove(request: HttpRequest, pk: int, closure_pk: int) -> HttpResponse:
    user = signed_in(request)
    hub = _hub_to_keep(user, pk)
    closure = HubClosure.objects.filter(pk=closure_pk, region=hub).first()
    if closure is None:
        raise Http404
    closure.region = hub
    hub_closure_remove(closure=closure, actor=user)
    messages.success(request, _("Closure day removed."))
    return _back(hub)
