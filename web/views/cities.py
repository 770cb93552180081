"""The network's cities: the directory (every signed-in person), the membership gaps per hub, and a city's record,
kept by its hub's staff and the management unit, where the city's own focal points choose its anonymity to
experts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.access import can
from helpdesk.models import City, Role
from helpdesk.selectors.cities import (
    city_directory,
    city_for_editing,
    city_record_for,
    hub_choices,
    membership_gaps,
)
from helpdesk.services.cities import city_anonymity_set, city_create, city_update
from web.forms.cities import ANONYMOUS, LISTED, CityAnonymityForm, CityForm, DirectoryFilterForm
from web.ratelimits import limit_posts
from web.views.common import role_required, service_refusal_show, signed_in


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not can(user, "view_city_directory"):
        raise PermissionDenied
    form = DirectoryFilterForm(request.GET, hubs=hub_choices())
    filters = form.filters()
    found = city_directory(user, **filters)
    context = {
        "directory": found,
        "form": form,
        "filtered": any(filters.values()),
        "may_add": can(user, "add_city"),
        "may_see_gaps": can(user, "view_membership_gaps"),
    }
    return render(request, "web/cities/directory.html", context)


@login_required
def gaps(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not can(user, "view_membership_gaps"):
        raise PermissionDenied
    return render(request, "web/cities/gaps.html", {"hubs": membership_gaps(user)})


@login_required
@limit_posts
def new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not can(user, "add_city"):
        raise PermissionDenied
    choose_region = Role.MANAGEMENT in user.roles
    form = CityForm(request.POST or None, choose_region=choose_region)
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"] if choose_region else user.region
        if region is None:
            raise PermissionDenied
        try:
            city = city_create(actor=user, region=region, **form.service_data())
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        else:
            messages.success(request, _("City added. Invite its focal point from its record."))
            return HttpResponseRedirect(reverse("city-detail", args=[city.pk]))
    return render(request, "web/cities/form.html", {"form": form, "city": None})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    record = city_record_for(user, pk)
    if record is None:
        raise Http404
    initial = {"choice": ANONYMOUS if record.city.anonymous_to_experts else LISTED}
    form = CityAnonymityForm(initial=initial) if record.may_set_anonymity else None
    return render(request, "web/cities/detail.html", {"record": record, "city": record.city, "form": form})


@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
@limit_posts
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A city's record, kept by its hub's staff and the management unit (another hub's city: 404)."""
    user = signed_in(request)
    city = city_for_editing(user, pk)
    if city is None:
        raise Http404
    form = CityForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            city_update(city=city, actor=user, **form.service_data())
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        else:
            messages.success(request, _("City record saved."))
            return HttpResponseRedirect(reverse("city-detail", args=[city.pk]))
    return render(request, "web/cities/form.html", {"form": form, "city": city})


@require_POST
@role_required(Role.FOCAL_POINT)
@limit_posts
def anonymity(request: HttpRequest, pk: int) -> HttpResponse:
    """The city's own choice, posted from its record by one of its focal points."""
    user = signed_in(request)
    city = City.objects.select_related("region").filter(pk=pk).first()
    if city is None or not can(user, "set_city_anonymity", city):
        raise Http404
    form = CityAnonymityForm(request.POST)
    if form.is_valid():
        city_anonymity_set(city=city, actor=user, anonymous=form.anonymous)
        messages.success(
            request,
            _("Saved: experts now see only your region, not your city's name or country.")
            if form.anonymous
            else _("Saved: experts now see your city's name and country."),
        )
    else:
        messages.error(request, _("Choose what experts may see of your city."))
    return HttpResponseRedirect(reverse("city-detail", args=[city.pk]))
