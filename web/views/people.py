"""The people page: whom the reader may manage (a hub its region's people, the management unit everyone), with
filters, and the recent changes to people and city records they may read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from helpdesk.access import can, scope
from helpdesk.models import Invitation, PeopleAction, PeopleLog, Role, User, country_name, role_label
from helpdesk.selectors.people import people_filter_places, people_log_visible_to, people_visible_to
from web.forms.people import PeopleFilterForm
from web.lists.resources import page_number
from web.templatetags.desk import bdi

PER_PAGE = 50


@dataclass(frozen=True)
class PersonLine:
    pk: int
    name: str
    roles: list[str]
    places: list[str]
    email: str
    is_active: bool
    last_login: datetime | None


def roles_in_words(person: User) -> list[str]:
    """The person's roles as they are read (``role_label``), in the roles' own order."""
    return [role_label(role, hub_lead=person.is_hub_lead) for role in person.role_names]


def _places(person: User) -> list[str]:
    """Where the person acts, in the reader's language: their cities, their hub, an expert's hubs."""
    roles = person.roles
    places: list[str] = []
    if Role.MANAGEMENT in roles:
        places.append(_("The whole network"))
    if Role.HUB_STAFF in roles and person.region is not None:
        places.append(person.region.localized_name)
    if Role.FOCAL_POINT in roles:
        places += [f"{city.name} ({country_name(str(city.country))})" for city in person.cities.all()]
    if Role.EXPERT in roles:
        profile = getattr(person, "expert_profile", None)
        if profile is not None:
            places += [region.localized_name for region in profile.regions.all()]
    return places


def person_line(person: User) -> PersonLine:
    return PersonLine(
        pk=person.pk,
        name=str(person),
        roles=roles_in_words(person),
        places=_places(person),
        email=person.email,
        is_active=person.is_active,
        last_login=person.last_login,
    )


def _fill(text: str, **values: object) -> SafeString:
    """A translated sentence with its %(name)s places filled, each value escaped (names come isolated)."""
    return mark_safe(
        conditional_escape(text)
        % {key: conditional_escape(v if isinstance(v, SafeString) else str(v)) for key, v in values.items()}
    )


def _invitation_sentence(actor: SafeString, invitation: Invitation) -> SafeString:
    email = bdi(invitation.email)
    if invitation.role == Role.FOCAL_POINT and invitation.city is not None:
        text = _("%(actor)s invited %(email)s as a focal point of %(city)s.")
        return _fill(text, actor=actor, email=email, city=bdi(invitation.city.name))
    if invitation.role == Role.HUB_STAFF and invitation.region is not None:
        if invitation.is_hub_lead:
            text = _("%(actor)s invited %(email)s to lead %(hub)s.")
        else:
            text = _("%(actor)s invited %(email)s to the staff of %(hub)s.")
        return _fill(text, actor=actor, email=email, hub=bdi(invitation.region.localized_name))
    if invitation.role == Role.EXPERT:
        return _fill(_("%(actor)s nominated %(email)s to the expert pool."), actor=actor, email=email)
    role = str(Role(invitation.role).label) if invitation.role in Role.values else ""
    return _fill(_("%(actor)s invited %(email)s (%(role)s)."), actor=actor, email=email, role=role)


# The changes that name a person or a city: their sentence, with %(actor)s, %(person)s and %(city)s.
_SENTENCES = {
    PeopleAction.INVITATION_RESENT: lambda: _("%(actor)s sent the invitation to %(email)s again."),
    PeopleAction.INVITATION_REVOKED: lambda: _("%(actor)s revoked the invitation to %(email)s."),
    PeopleAction.INVITATION_ACCEPTED: lambda: _("%(person)s accepted the invitation and joined."),
    PeopleAction.SCOPE_ADDED: lambda: _("%(actor)s gave %(person)s a new role or scope."),
    PeopleAction.CITY_ADDED: lambda: _("%(actor)s added the city %(city)s."),
    PeopleAction.CITY_CHANGED: lambda: _("%(actor)s changed the record of %(city)s."),
    PeopleAction.CITY_ANONYMITY: lambda: _("%(actor)s changed whether %(city)s is anonymous to experts."),
    PeopleAction.EXPERT_PROFILE_CHANGED: lambda: _("%(actor)s changed the expert profile of %(person)s."),
    PeopleAction.EXPERT_VETTING: lambda: _("%(actor)s changed the vetting of %(person)s."),
    PeopleAction.EXPERT_AVAILABILITY: lambda: _("%(actor)s changed the leave or standby of %(person)s."),
    PeopleAction.EXPERT_CONFLICTS_REVIEWED: lambda: _("%(actor)s reviewed the declared conflicts of %(person)s."),
    PeopleAction.TIES_DECLARED: lambda: _("%(actor)s changed the cities %(person)s is tied to."),
    PeopleAction.HUB_CALENDAR: lambda: _("%(actor)s changed the calendar of %(region)s."),
    PeopleAction.HANDOVER: lambda: _("%(actor)s handed %(city)s over to %(person)s."),
    PeopleAction.DEACTIVATED: lambda: _("%(actor)s deactivated the account of %(person)s."),
    PeopleAction.REACTIVATED: lambda: _("%(actor)s reactivated the account of %(person)s."),
}


def change_sentence(row: PeopleLog) -> SafeString:
    """One line of the people log as a sentence: who did what to whom, from the row's own relations (never its
    detail's values, which may hold what only the record's keepers read)."""
    actor = bdi(row.actor) if row.actor is not None else bdi(_("The desk"))
    invitation = row.invitation
    if row.action == PeopleAction.INVITED and invitation is not None:
        return _invitation_sentence(actor, invitation)
    names = {
        "actor": actor,
        "person": bdi(row.person) if row.person is not None else None,
        "city": bdi(row.city.name) if row.city is not None else None,
        "region": bdi(row.region) if row.region is not None else None,
        "email": bdi(invitation.email) if invitation is not None else None,
    }
    sentence = _SENTENCES.get(row.action)  # type: ignore[call-overload]
    if sentence is not None:
        text = sentence()
        needed = [key for key in names if f"%({key})s" in text]
        if all(names[key] is not None for key in needed):
            return _fill(text, **{key: names[key] for key in needed})
    # A change whose person, city or invitation is gone: its kind, by whom.
    label = PeopleAction(row.action).label if row.action in PeopleAction.values else row.action
    return _fill(_("%(actor)s: %(change)s."), actor=actor, change=label)


@require_GET
@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not can(user, "view_people"):
        raise PermissionDenied
    regions, cities = people_filter_places(user)
    roles = list(Role.values) if scope(user).management else [Role.FOCAL_POINT, Role.HUB_STAFF]
    form = PeopleFilterForm(request.GET or None, regions=regions, cities=cities, roles=roles)
    filters = form.people_filters()
    page = Paginator(people_visible_to(user, filters=filters), PER_PAGE).get_page(page_number(request.GET.get("page")))
    changes = [(row, change_sentence(row)) for row in people_log_visible_to(user)]
    context = {
        "form": form,
        "page": page,
        "lines": [person_line(person) for person in page.object_list],
        "changes": changes,
        "filtered": bool(form.in_use),
        "may_invite": can(user, "invite"),
    }
    return render(request, "web/people/list.html", context)
