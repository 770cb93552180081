"""The notification centre (list, mark read) and the watchers of a request. No rule lives here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.access import can
from helpdesk.models import User
from helpdesk.selectors import visible_requests, visible_resources
from notifications import events, selectors, services
from web import presenters
from web.forms.watch import WatchForm
from web.notification_entries import entries
from web.views.common import signed_in

PAGE_SIZE = 25


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    page = Paginator(selectors.notifications_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    openable = selectors.openable_request_ids(user, (n.request_id for n in rows))
    return render(
        request,
        "web/notifications_list.html",
        {"page": page, "entries": entries(rows, openable), "unread": selectors.unread_count(user)},
    )


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about (back to the list if the reader may no longer
    open it: a 404 would be a dead end)."""
    user = signed_in(request)
    notification = services.notification_mark_read(user=user, notification_id=pk)
    if notification is None:
        raise Http404
    if notification.event in events.CONSENT_EVENTS:
        return HttpResponseRedirect(_resource_page(user, notification.data, "resource-consent"))
    if notification.request_id is None:
        # A peer introduction told to the peer city (which cannot see the request) leads to the introduction.
        introduction = notification.data.get("introduction")
        if isinstance(introduction, int):
            return HttpResponseRedirect(reverse("introduction-detail", args=[introduction]))
        if notification.event in events.EVENT_PAGES:
            return HttpResponseRedirect(reverse(events.EVENT_PAGES[notification.event]))
        return HttpResponseRedirect(_resource_page(user, notification.data, "resource-detail"))
    if notification.request_id not in selectors.openable_request_ids(user, [notification.request_id]):
        messages.info(request, _("You no longer have access to this request."))
        return HttpResponseRedirect(reverse("notifications:list"))
    assert notification.request is not None
    return HttpResponseRedirect(notification.request.get_absolute_url())


def _resource_page(user: User, data: dict[str, Any], page: str) -> str:
    """A resource's notification opens ``page`` of the resource (itself, or the city's consent page), if the
    reader may still read it; else the notifications."""
    resource_id = data.get("resource")
    if isinstance(resource_id, int):
        resource = visible_resources(user).filter(pk=resource_id).only("slug").first()
        if resource is not None:
            return reverse(page, kwargs={"slug": resource.slug})
    return reverse("notifications:list")


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    if services.notification_mark_read(user=signed_in(request), notification_id=pk) is None:
        raise Http404
    return HttpResponseRedirect(_back(request, reverse("notifications:list")))


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=signed_in(request))
    if count:
        messages.success(request, _("All your notifications are marked read."))
    return HttpResponseRedirect(_back(request, reverse("notifications:list")))


@require_GET
@login_required
def request_watchers_page(request: HttpRequest, reference: str) -> HttpResponse:
    """Who watches a request, with the form to add a colleague: for those who choose watchers (the request
    page lists the watchers and links here)."""
    person = signed_in(request)
    support_request = get_object_or_404(visible_requests(person), reference=reference)
    if not can(person, "manage_watchers", support_request):
        raise PermissionDenied
    view = presenters.request_view(support_request, person)
    return render(request, "web/notifications_watchers.html", {"req": support_request, "view": view})


@require_POST
@login_required
def request_watchers(request: HttpRequest, reference: str) -> HttpResponse:
    """Add or remove a watcher of a request (hub staff), or stop watching it oneself."""
    person = signed_in(request)
    support_request = get_object_or_404(visible_requests(person), reference=reference)
    back = _back(request, support_request.get_absolute_url())
    form = WatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a colleague to add or remove."))
        return HttpResponseRedirect(back)
    user = form.cleaned_data["user"]
    try:
        if form.cleaned_data["action"] == WatchForm.ADD:
            services.watch_add(request=support_request, user=user, added_by=person)
            messages.success(request, _("%(name)s now watches this request.") % {"name": user})
        else:
            services.watch_remove(request=support_request, user=user, removed_by=person)
            messages.success(request, _("%(name)s no longer watches this request.") % {"name": user})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(back)
