"""Who the load test's people are: accounts of each role, a session each, and the requests they may write on."""

from __future__ import annotations

import secrets
import string
import time
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count

from helpdesk.access import can
from helpdesk.models import RequestState, Role, SupportRequest, User, Visibility
from web.middleware import SESSION_SEEN, SESSION_STARTED
from workflows.models import ExpertAssignment

# A message on a request waiting for the city's answer is that answer (a move): the plan leaves those out, so
# that every write of the run is a plain write and every move is the city's submission.
WRITABLE_STATES = [
    RequestState.SUBMITTED,
    RequestState.EXPERT_MATCHING,
    RequestState.FUNDING_REVIEW,
    RequestState.IN_DELIVERY,
]
REFS_PER_PERSON = 8


def _session(user: User) -> dict[str, str]:
    """A signed-in session, as the sign-in page would leave it, and a CSRF secret to go with it."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_STARTED] = session[SESSION_SEEN] = int(time.time())
    session.create()
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    return {"username": user.username, "session": str(session.session_key), "csrf": csrf}


def _writable(user: User, rows: list[SupportRequest], visibility: str) -> list[str]:
    return [r.reference for r in rows if can(user, "comment", r, visibility=visibility)][:REFS_PER_PERSON]


def _cities(count: int) -> list[dict[str, Any]]:
    """Focal points of one city each, busiest cities first (the ones whose pages are the largest)."""
    people = []
    focal = (
        User.objects.filter(groups__name=Role.FOCAL_POINT, is_active=True)
        .annotate(n=Count("cities"))
        .filter(n=1)
        .order_by("pk")
    )
    for user in focal.iterator():
        city = user.cities.get()
        rows = list(SupportRequest.objects.filter(city=city, state__in=WRITABLE_STATES).order_by("-pk")[:20])
        refs = _writable(user, rows, Visibility.CITY)
        if refs:
            people.append({"user": user, "city": city.pk, "refs": refs})
        if len(people) >= count:
            break
    return people


def _hub(count: int) -> list[dict[str, Any]]:
    people = []
    for user in User.objects.filter(groups__name=Role.HUB_STAFF, is_active=True, region__isnull=False).order_by("pk"):
        rows = list(SupportRequest.objects.filter(region=user.region, state__in=WRITABLE_STATES).order_by("-pk")[:40])
        refs = _writable(user, rows, Visibility.INTERNAL)
        if refs:
            people.append({"user": user, "refs": refs})
    return people[:count]


def _experts(count: int) -> list[dict[str, Any]]:
    people = []
    busy = (
        ExpertAssignment.objects.filter(
            status=ExpertAssignment.Status.ACCEPTED, request__state=RequestState.IN_DELIVERY
        )
        .values("expert_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "expert_id")
    )
    for row in busy[: count * 2]:
        user = User.objects.get(pk=row["expert_id"])
        rows = list(
            SupportRequest.objects.filter(
                assignments__expert=user,
                assignments__status=ExpertAssignment.Status.ACCEPTED,
                state=RequestState.IN_DELIVERY,
            ).order_by("-pk")[:20]
        )
        refs = _writable(user, rows, Visibility.EXPERT)
        if refs:
            people.append({"user": user, "refs": refs})
        if len(people) >= count:
            break
    return people


def _management(count: int) -> list[dict[str, Any]]:
    users = User.objects.filter(groups__name=Role.MANAGEMENT, is_active=True).order_by("pk")[:count]
    return [{"user": user, "refs": []} for user in users]


def build_plan(*, run: str, people: int) -> dict[str, Any]:
    """One slot per simulated person of each role (locust picks as many as its weights ask for)."""
    plan: dict[str, Any] = {"run": run, "people": {}}
    for role, find in (("city", _cities), ("hub", _hub), ("expert", _experts), ("management", _management)):
        accounts = find(people)
        if not accounts:
            raise RuntimeError(f"The seeded desk has nobody to play the {role} role.")
        slots = []
        for i in range(people):
            account = accounts[i % len(accounts)]
            slots.append({**_session(account["user"]), **{k: v for k, v in account.items() if k != "user"}})
        plan["people"][role] = slots
    return plan
