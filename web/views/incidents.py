"""Filing "after an incident" (``/requests/incident/``): the focal point's short form, filed and submitted to
the hub on the incident fast track in one go (``workflows.incidents.incident_file``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helpdesk.models import Role, SupportRequest
from helpdesk.screening import PersonalDataFound
from web.forms.incidents import IncidentForm
from web.forms.requests import personal_data_mark
from web.params import parse_id
from web.ratelimits import limit_posts
from web.views.common import role_required, service_refusal_show, signed_in
from workflows.errors import TransitionRefused
from workflows.incidents import first_answer_hours, incident_file


def _filed_message(filed: SupportRequest) -> str:
    """The confirmation: who was alerted, and by when the hub answers (in the reader's time zone)."""
    due = date_format(timezone.localtime(filed.due_at), "DATETIME_FORMAT") if filed.due_at else ""
    return _(
        "Your request is with the hub, on the incident fast track. The staff of the %(hub)s hub, its lead and the"
        " network's management unit were alerted at once, in the desk and by e-mail. The hub answers by %(due)s."
    ) % {"hub": filed.region.localized_name, "due": due}


@role_required(Role.FOCAL_POINT)
@limit_posts
def incident_new(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    cities = list(user.cities.order_by("name"))
    if not cities:
        raise Http404
    # A city that is not theirs, asked for by address or sent by hand: not a city they may file for.
    asked = request.POST.get("city") or request.GET.get("city")
    if asked and parse_id(asked) not in {c.pk for c in cities}:
        raise Http404
    initial = {"city": parse_id(asked)} if asked else {}
    form = IncidentForm(request.POST or None, initial=initial, cities=cities)
    findings: list[str] = []
    confirmable = True
    if request.method == "POST" and form.is_valid():
        try:
            filed = incident_file(filed_by=user, language=get_language(), **form.service_data())
        except PersonalDataFound as found:
            # Each field where it was found is marked; what was typed stays in the form.
            personal_data_mark(form, found)
            findings, confirmable = found.messages, found.confirmable
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _filed_message(filed))
            return HttpResponseRedirect(filed.get_absolute_url())
    return render(
        request,
        "web/incidents/new.html",
        {
            "form": form,
            "personal_data": findings,
            "confirmable": confirmable,
            "hours": first_answer_hours(),
        },
    )
