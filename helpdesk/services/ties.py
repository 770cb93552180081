"""The cities a person declares a tie to (a family tie, an employer, a mandate): a management-unit member tied to a
city does not decide its grants (``workflows.checks``, ``ActorCheck.NOT_TIED_TO_CITY``). The management unit and
hub staff declare theirs on their profile; each change leaves its line in the people log.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import City, PeopleAction, User
from helpdesk.services.people_log import people_log_record

TIES_DECLARED = PeopleAction.TIES_DECLARED


def tied_cities_set(*, user: User, city_ids: Iterable[int]) -> bool:
    """Declare the whole list of cities ``user`` is tied to, replacing the one before. Returns whether it changed;
    a change leaves a people-log line with the city ids before and after.

    Raises ``PermissionDenied`` for anyone who decides nothing about a city's requests (``can(user,
    "declare_ties")``: the management unit and hub staff), and ``ValidationError`` for a city that does not exist.
    """
    if not can(user, "declare_ties"):
        raise PermissionDenied
    wanted = sorted({int(pk) for pk in city_ids})
    with transaction.atomic():
        # One change at a time per person: two saves of the profile never interleave their before and after.
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()
        if City.objects.filter(pk__in=wanted).count() != len(wanted):
            raise ValidationError({"tied_cities": _("Choose cities from the list.")})
        before = sorted(user.tied_cities.values_list("pk", flat=True))
        if before == wanted:
            return False
        user.tied_cities.set(wanted)
        people_log_record(actor=user, action=TIES_DECLARED, person=user, detail={"before": before, "after": wanted})
    return True
