"""The demo network: the hubs of DOMAIN.md, cities named in the network's documents, and its people."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from devtools.demo.indicators import funding_sources_seed, indicators_seed
from helpdesk.models import City, ExpertProfile, Region, Role, Theme, User
from helpdesk.services import roles_ensure
from workflows.models import FundEnvelope

DEMO_PASSWORD = "cities-demo-2026"  # noqa: S105 - printed for the demo network only

HUBS = [
    # code, name in English, French and Arabic, working languages, active (an inactive hub is "planned": the pages
    # say so beside its name, so the name does not)
    ("esa", "East and Southern Africa", "Afrique de l'Est et australe", "شرق أفريقيا وجنوبها", ["en", "fr"], True),
    (
        "mena",
        "Middle East and North Africa",
        "Moyen-Orient et Afrique du Nord",
        "الشرق الأوسط وشمال أفريقيا",
        ["ar", "en", "fr"],
        True,
    ),
    ("south-asia", "South Asia", "Asie du Sud", "جنوب آسيا", ["en"], True),
    ("western-balkans", "Western Balkans", "Balkans occidentaux", "غرب البلقان", ["en"], True),
    ("north-america", "North America", "Amérique du Nord", "أمريكا الشمالية", ["en", "fr"], True),
    (
        "central",
        "Europe and other regions (central team)",
        "Europe et autres régions (équipe centrale)",
        "أوروبا ومناطق أخرى (الفريق المركزي)",
        ["en", "fr"],
        True,
    ),
    (
        "south-east-asia",
        "South-East Asia",
        "Asie du Sud-Est",
        "جنوب شرق آسيا",
        ["en"],
        False,
    ),
    (
        "west-africa",
        "West Africa",
        "Afrique de l'Ouest",
        "غرب أفريقيا",
        ["fr", "en"],
        False,
    ),
]

CITIES = [
    # name, country (ISO 3166 code), hub code, languages, member, anonymous to experts
    ("Mombasa", "KE", "esa", ["en"], True, False),
    ("Nairobi", "KE", "esa", ["en"], True, False),
    ("Kisumu", "KE", "esa", ["en"], True, False),
    ("Cape Town", "ZA", "esa", ["en"], True, False),
    ("Durban", "ZA", "esa", ["en"], True, False),
    ("Kampala", "UG", "esa", ["en"], True, False),
    ("Dar es Salaam", "TZ", "esa", ["en"], True, False),
    ("Mogadishu", "SO", "esa", ["en", "ar"], False, True),
    ("Saïda", "LB", "mena", ["ar", "fr"], True, False),
    ("Tripoli", "LB", "mena", ["ar", "fr"], True, True),
    ("Amman", "JO", "mena", ["ar", "en"], True, False),
    ("Irbid", "JO", "mena", ["ar"], True, False),
    ("Sousse", "TN", "mena", ["ar", "fr"], True, False),
    ("Tangier", "MA", "mena", ["ar", "fr"], True, False),
    ("Mosul", "IQ", "mena", ["ar"], False, True),
    ("Addu City", "MV", "south-asia", ["en"], True, False),
    ("Malé", "MV", "south-asia", ["en"], True, False),
    ("Colombo", "LK", "south-asia", ["en"], True, False),
    ("Dhaka North", "BD", "south-asia", ["en"], True, False),
    ("Kathmandu", "NP", "south-asia", ["en"], False, False),
    ("Kumanovo", "MK", "western-balkans", ["en"], True, False),
    ("Tetovo", "MK", "western-balkans", ["en"], True, False),
    ("Sarajevo", "BA", "western-balkans", ["en"], True, False),
    ("Tirana", "AL", "western-balkans", ["en"], True, False),
    ("Pristina", "XK", "western-balkans", ["en"], True, False),
    ("Podgorica", "ME", "western-balkans", ["en"], True, False),
    ("Highland Park", "US", "north-america", ["en"], True, False),
    ("Chattanooga", "US", "north-america", ["en"], True, False),
    ("Aurora", "US", "north-america", ["en"], True, False),
    ("Denver", "US", "north-america", ["en"], True, False),
    ("New York City", "US", "north-america", ["en"], True, False),
    ("Montréal", "CA", "north-america", ["fr", "en"], True, False),
    ("Victoria", "CA", "north-america", ["en"], True, False),
    ("Berlin", "DE", "central", ["en"], True, False),
    ("Halle", "DE", "central", ["en"], True, False),
    ("London", "GB", "central", ["en"], True, False),
    ("Oslo", "NO", "central", ["en"], True, False),
    ("The Hague", "NL", "central", ["en", "fr"], True, False),
    ("Kolofata", "CM", "central", ["fr"], True, True),
    ("Kousseri", "CM", "central", ["fr"], True, False),
    ("Mokolo", "CM", "central", ["fr"], True, False),
    ("Lyon", "FR", "central", ["fr"], False, False),
]

EXPERTS = [
    # username, first, last, themes, languages, hub codes, capacity, availability
    ("expert.amina", "Amina", "Odhiambo", ["incident_response", "multi_agency"], ["en"], ["esa"], 3, "available"),
    (
        "expert.youssef",
        "Youssef",
        "Haddad",
        ["national_local", "multi_agency"],
        ["ar", "fr", "en"],
        ["mena"],
        2,
        "available",
    ),
    (
        "expert.claire",
        "Claire",
        "Dubois",
        ["young_cities", "local_democracy"],
        ["fr", "en"],
        ["central", "north-america"],
        3,
        "available",
    ),
    ("expert.rahul", "Rahul", "Menon", ["global_crises", "national_local"], ["en"], ["south-asia"], 2, "limited"),
    (
        "expert.elena",
        "Elena",
        "Petrovska",
        ["multi_agency", "incident_response"],
        ["en"],
        ["western-balkans"],
        3,
        "available",
    ),
    (
        "expert.james",
        "James",
        "Carter",
        ["local_democracy", "global_crises"],
        ["en"],
        ["north-america"],
        4,
        "available",
    ),
    (
        "expert.fatima",
        "Fatima",
        "Benali",
        ["young_cities", "global_crises"],
        ["ar", "fr"],
        ["mena", "central"],
        2,
        "available",
    ),
    (
        "expert.kwame",
        "Kwame",
        "Mensah",
        ["incident_response", "young_cities"],
        ["en", "fr"],
        ["esa", "central"],
        3,
        "available",
    ),
    ("expert.ingrid", "Ingrid", "Larsen", ["multi_agency", "local_democracy"], ["en"], ["central"], 2, "available"),
    ("expert.omar", "Omar", "Khalil", ["national_local", "incident_response"], ["ar", "en"], ["mena"], 3, "limited"),
    ("expert.sara", "Sara", "Haidari", ["young_cities"], ["en"], ["south-asia", "esa"], 2, "available"),
    (
        "expert.marko",
        "Marko",
        "Jovanović",
        ["national_local", "local_democracy"],
        ["en"],
        ["western-balkans"],
        2,
        "available",
    ),
    (
        "expert.lucia",
        "Lucía",
        "Ramírez",
        ["global_crises", "young_cities"],
        ["en", "fr"],
        ["north-america"],
        3,
        "available",
    ),
    ("expert.peter", "Peter", "Müller", ["multi_agency"], ["en"], ["central"], 1, "unavailable"),
    ("expert.nadia", "Nadia", "Rahman", ["global_crises", "multi_agency"], ["en"], ["south-asia"], 3, "available"),
    (
        "expert.jean",
        "Jean",
        "Mbarga",
        ["incident_response", "national_local"],
        ["fr"],
        ["central", "west-africa"],
        2,
        "available",
    ),
    ("expert.leila", "Leila", "Mansour", ["young_cities", "local_democracy"], ["ar", "en"], ["mena"], 2, "available"),
    ("expert.tom", "Tom", "Nguyen", ["global_crises"], ["en"], ["north-america", "south-east-asia"], 2, "available"),
    (
        "expert.aida",
        "Aida",
        "Hodžić",
        ["incident_response", "young_cities"],
        ["en"],
        ["western-balkans", "central"],
        3,
        "available",
    ),
    ("expert.grace", "Grace", "Wanjiru", ["national_local", "young_cities"], ["en"], ["esa"], 3, "available"),
    ("expert.hugo", "Hugo", "Lefèvre", ["local_democracy", "other"], ["fr", "en"], ["central"], 2, "limited"),
    ("expert.mariam", "Mariam", "Saleh", ["multi_agency", "other"], ["ar"], ["mena"], 2, "available"),
]


# Who finances each hub's envelope of the fund (codes of ``devtools.demo.indicators.FUNDING_SOURCES``).
ENVELOPE_SOURCES = {
    "esa": "gov-no",
    "mena": "eu",
    "south-asia": "gov-no",
    "western-balkans": "eu",
    "north-america": "gov-ca",
    "central": "fdn-civic",
}


@dataclass
class DemoLogin:
    role: str
    username: str
    note: str


def _user(
    username: str,
    *,
    first: str,
    last: str,
    roles: list[str],
    password_hash: str,
    language: str = "en",
    **extra: object,
) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.strongcities.invalid",
            "password": password_hash,
            "preferred_language": language,
            **extra,
        },
    )
    if created:
        groups = roles_ensure()
        user.groups.set([groups[role] for role in roles])
    return user


def _slug(name: str) -> str:
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch if ch.isalnum() else "-" for ch in ascii_name.lower()).strip("-").replace("--", "-")


@transaction.atomic
def seed_network(*, fiscal_year: int) -> list[DemoLogin]:
    """Create (or find) the hubs, cities, people, key indicators, donors and envelopes; changes nothing on a second
    run."""
    roles_ensure()
    password_hash = make_password(DEMO_PASSWORD)
    regions = {}
    for code, name, name_fr, name_ar, languages, active in HUBS:
        regions[code], created = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_fr": name_fr,
                "name_ar": name_ar,
                "languages": languages,
                "is_active": active,
            },
        )
        if not created and not (regions[code].name_fr or regions[code].name_ar):
            # A network seeded before hubs had French and Arabic names gets them once.
            regions[code].name_fr, regions[code].name_ar = name_fr, name_ar
            regions[code].save(update_fields=["name_fr", "name_ar"])
    cities = {}
    for name, country, hub, languages, member, anonymous in CITIES:
        cities[name], _ = City.objects.get_or_create(
            name=name,
            country=country,
            defaults={
                "region": regions[hub],
                "languages": languages,
                "is_member": member,
                "anonymous_to_experts": anonymous,
            },
        )
    logins: list[DemoLogin] = []
    for name, city in cities.items():
        username = f"focal.{_slug(name)}"
        language = "ar" if "ar" in city.languages[:1] else ("fr" if city.languages[:1] == ["fr"] else "en")
        user = _user(
            username,
            first="Focal point",
            last=name,
            roles=[Role.FOCAL_POINT],
            password_hash=password_hash,
            language=language,
            phone="+000 0000 0000",
            organisation=f"Municipality of {name}",
        )
        user.cities.add(city)
        if name in {"Mombasa", "Saïda", "Kumanovo", "Kolofata"}:
            logins.append(DemoLogin("City focal point", username, f"{name}"))
    for code, region in regions.items():
        if not region.is_active:
            continue
        for index, (first, last) in enumerate([("Hub lead", region.name), ("Hub officer", region.name)]):
            username = f"hub.{code}" if index == 0 else f"hub.{code}.officer"
            _user(
                username,
                first=first,
                last=last,
                roles=[Role.HUB_STAFF],
                password_hash=password_hash,
                region=region,
                is_hub_lead=index == 0,
            )
            if code in {"esa", "mena"} and index == 0:
                logins.append(DemoLogin("Hub staff (lead)", username, region.name))
    for username, first, last, themes, languages, hubs, capacity, availability in EXPERTS:
        user = _user(username, first=first, last=last, roles=[Role.EXPERT], password_hash=password_hash)
        profile, created = ExpertProfile.objects.get_or_create(
            user=user,
            defaults={
                "themes": themes,
                "languages": languages,
                "bio": f"{first} {last}: practitioner in {', '.join(str(Theme(t).label) for t in themes)}.",
                "availability": availability,
                "max_concurrent_assignments": capacity,
                "vetting_status": ExpertProfile.Vetting.VETTED,
            },
        )
        if created:
            profile.regions.set([regions[h] for h in hubs])
        if username in {"expert.amina", "expert.youssef"}:
            logins.append(DemoLogin("Expert", username, ", ".join(themes)))
    for username, first in [("mu.director", "Executive"), ("mu.officer", "Programme")]:
        # Staff status opens the admin's outbox of failed e-mails to the management unit.
        _user(
            username,
            first=first,
            last="Management unit",
            roles=[Role.MANAGEMENT],
            password_hash=password_hash,
            is_staff=True,
        )
        logins.append(DemoLogin("Management unit", username, ""))
    _user("steering.viewer", first="Steering", last="Committee", roles=[Role.STEERING], password_hash=password_hash)
    logins.append(DemoLogin("Steering committee", "steering.viewer", "aggregates only"))
    indicators_seed()
    sources = funding_sources_seed()
    for code, region in regions.items():
        if region.is_active:
            source = sources[ENVELOPE_SOURCES.get(code, "eu")]
            envelope, _ = FundEnvelope.objects.get_or_create(
                region=region,
                fiscal_year=fiscal_year,
                defaults={"amount": 150000, "currency": "EUR", "source": source},
            )
            if envelope.source_id is None:  # an envelope seeded before envelopes had donors gets its own once
                envelope.source = source
                envelope.save(update_fields=["source"])
    return logins
