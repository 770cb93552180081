"""The demo network's membership as the people pages show it: when cities joined and accepted the guiding
principles, a city still without a focal point, invitations waiting (one expired, one in French, one an expert
nominated by hub staff) and an expert whose vetting is pending, each with its line in the people log.

Rows are written directly (the demo is not a person inviting anyone: no e-mail leaves), and only when missing,
so a second run changes nothing."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from devtools.demo.network import CITIES, DEMO_PASSWORD
from helpdesk.models import City, ExpertProfile, Invitation, PeopleAction, Region, Role, User
from helpdesk.services import roles_ensure
from helpdesk.services.people_log import people_log_record

# The network was launched at the UN General Assembly in September 2015: the first cities joined then.
LAUNCH = datetime.date(2015, 9, 29)
# A member city that joined lately: no focal point designated yet, guiding principles not yet accepted.
NEW_CITY = ("Garissa", "KE", "esa", ["en"])
PENDING_EXPERT = "expert.pending"
DEMO_DOMAIN = "demo.strongcities.invalid"


@dataclass(frozen=True)
class DemoInvitation:
    email: str
    first_name: str
    last_name: str
    role: str
    inviter: str  # username
    city: str = ""  # a focal point's city
    language: str = "en"
    days_ago: int = 1
    expired: bool = False


INVITATIONS = [
    DemoInvitation("amani.w@garissa.demo.invalid", "Amani", "Wekesa", Role.FOCAL_POINT, "hub.esa", city="Garissa"),
    DemoInvitation(
        "h.trabelsi@sousse.demo.invalid", "Hela", "Trabelsi", Role.FOCAL_POINT, "hub.mena", city="Sousse", language="fr"
    ),
    DemoInvitation(
        "j.otieno@kisumu.demo.invalid",
        "Joseph",
        "Otieno",
        Role.FOCAL_POINT,
        "hub.esa",
        city="Kisumu",
        days_ago=12,
        expired=True,
    ),
    DemoInvitation(
        "priya.shah@expert.demo.invalid", "Priya", "Shah", Role.EXPERT, "hub.south-asia.officer", days_ago=2
    ),
]


def _membership_dates(cities: list[City]) -> None:
    """Members joined over the years since the launch and accepted the principles a month later; the newest
    member has not yet accepted them."""
    for index, city in enumerate(sorted(cities, key=lambda c: c.name)):
        if not city.is_member or city.member_since is not None:
            continue
        city.member_since = LAUNCH + datetime.timedelta(days=71 * index)
        city.principles_accepted_on = city.member_since + datetime.timedelta(days=30)
        city.save(update_fields=["member_since", "principles_accepted_on"])


def _new_city(lead: User) -> City:
    name, country, hub, languages = NEW_CITY
    city, created = City.objects.get_or_create(
        name=name,
        country=country,
        defaults={
            "region": Region.objects.get(code=hub),
            "languages": languages,
            "is_member": True,
            "member_since": timezone.localdate() - datetime.timedelta(days=20),
        },
    )
    if created:
        people_log_record(actor=lead, action=PeopleAction.CITY_ADDED, city=city, detail={"name": [None, name]})
    return city


def _invite(spec: DemoInvitation, people: dict[str, User], now: datetime.datetime) -> Invitation | None:
    inviter = people[spec.inviter]
    city = City.objects.get(name=spec.city) if spec.city else None
    if Invitation.objects.filter(email=spec.email).exists():
        return None
    created_at = now - datetime.timedelta(days=spec.days_ago)
    expires_at = now - datetime.timedelta(days=2) if spec.expired else created_at + datetime.timedelta(days=7)
    invitation = Invitation.objects.create(
        email=spec.email,
        first_name=spec.first_name,
        last_name=spec.last_name,
        role=spec.role,
        city=city,
        language=spec.language,
        invited_by=inviter,
        nonce=secrets.token_urlsafe(32),
        created_at=created_at,
        sent_at=created_at,
        send_count=1,
        expires_at=expires_at,
    )
    log = people_log_record(
        actor=inviter,
        action=PeopleAction.INVITED,
        city=city,
        region=None if city else inviter.region,
        invitation=invitation,
        detail={"email": spec.email, "role": spec.role},
    )
    type(log).objects.filter(pk=log.pk).update(created_at=created_at)
    return invitation


def _pending_expert(nominator: User, now: datetime.datetime) -> None:
    """An expert who accepted a hub's nomination and waits for the management unit's vetting."""
    user, created = User.objects.get_or_create(
        username=PENDING_EXPERT,
        defaults={
            "first_name": "Samir",
            "last_name": "Aziz",
            "email": f"{PENDING_EXPERT}@{DEMO_DOMAIN}",
            "password": make_password(DEMO_PASSWORD),
            "preferred_language": "ar",
        },
    )
    if not created:
        return
    user.groups.set([roles_ensure()[Role.EXPERT]])
    profile = ExpertProfile.objects.create(
        user=user,
        themes=["national_local", "young_cities"],
        languages=["ar", "en"],
        bio="Samir Aziz: former deputy mayor, youth engagement and national-local coordination.",
        vetting_status=ExpertProfile.Vetting.PENDING,
        nominated_by=nominator,
        updated_at=now - datetime.timedelta(days=3),
    )
    if nominator.region is not None:
        profile.regions.set([nominator.region])
    invited_at, accepted_at = now - datetime.timedelta(days=6), now - datetime.timedelta(days=3)
    invitation = Invitation.objects.create(
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        role=Role.EXPERT,
        language="ar",
        invited_by=nominator,
        nonce=secrets.token_urlsafe(32),
        created_at=invited_at,
        sent_at=invited_at,
        send_count=1,
        expires_at=invited_at + datetime.timedelta(days=7),
        accepted_at=accepted_at,
        accepted_by=user,
    )
    for actor, action, moment in (
        (nominator, PeopleAction.INVITED, invited_at),
        (user, PeopleAction.INVITATION_ACCEPTED, accepted_at),
    ):
        log = people_log_record(
            actor=actor,
            action=action,
            person=user if action == PeopleAction.INVITATION_ACCEPTED else None,
            region=nominator.region,
            invitation=invitation,
            detail={"role": Role.EXPERT},
        )
        type(log).objects.filter(pk=log.pk).update(created_at=moment)


@transaction.atomic
def seed_membership() -> int:
    """Membership dates, the city without a focal point, the invitations and the pending expert; returns how many
    invitations it wrote (none on a second run)."""
    now = timezone.now()
    usernames = {spec.inviter for spec in INVITATIONS} | {"hub.esa", "hub.mena"}
    people = {user.username: user for user in User.objects.filter(username__in=usernames).select_related("region")}
    _new_city(people["hub.esa"])
    # The demo's own cities only: the scale seeder's thousand are not the network's members.
    _membership_dates(list(City.objects.filter(name__in=[row[0] for row in CITIES])))
    written = sum(_invite(spec, people, now) is not None for spec in INVITATIONS)
    _pending_expert(people["hub.mena"], now)
    return written
