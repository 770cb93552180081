import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from helpdesk.models import Role, SupportRequest
from helpdesk.services import reference_allocate, request_create
from tests.factories import CityFactory, FundEnvelopeFactory, RegionFactory, UserFactory, focal_point
from workflows.models import FundEnvelope

pytestmark = pytest.mark.django_db


def test_request_create_files_a_draft_with_a_human_reference_and_the_city_region():
    city = CityFactory()
    author = focal_point(city)
    first = request_create(city=city, submitted_by=author, title="  Youth council  ")
    second = request_create(city=city, submitted_by=author, title="Second")
    assert re.fullmatch(r"SCN-\d{4}-\d{6}", first.reference)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1
    assert first.state == "draft"
    assert first.region_id == city.region_id
    assert first.title == "Youth council"
    assert first.get_absolute_url() == f"/requests/{first.reference}/"


def test_references_are_allocated_in_consecutive_blocks_per_year():
    refs = reference_allocate(year=2031, count=3)
    assert refs == ["SCN-2031-000001", "SCN-2031-000002", "SCN-2031-000003"]
    assert reference_allocate(year=2031) == ["SCN-2031-000004"]
    assert reference_allocate(year=2032) == ["SCN-2032-000001"]


def test_request_create_validates_choices_and_amounts():
    city = CityFactory()
    with pytest.raises(ValidationError):
        request_create(city=city, submitted_by=None, title="x", theme="not-a-theme")
    with pytest.raises(ValidationError):
        request_create(city=city, submitted_by=None, title="x", funding_requested=Decimal("-5"))
    assert not SupportRequest.objects.exists()


def test_database_refuses_negative_funding_even_behind_the_service():
    city = CityFactory()
    request = request_create(city=city, submitted_by=None, title="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRequest.objects.filter(pk=request.pk).update(funding_requested=Decimal("-1"))


def test_envelope_committed_can_never_exceed_its_amount():
    envelope = FundEnvelopeFactory(amount=Decimal("1000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        FundEnvelope.objects.filter(pk=envelope.pk).update(committed=Decimal("1000.01"))
    envelope.refresh_from_db()
    assert envelope.remaining == Decimal("1000")


def test_city_name_is_unique_within_a_country():
    region = RegionFactory()
    CityFactory(name="Tripoli", country="LB", region=region)
    CityFactory(name="Tripoli", country="LY", region=region)
    with pytest.raises(IntegrityError), transaction.atomic():
        CityFactory(name="Tripoli", country="LB", region=region)


def test_roles_are_groups_and_cached_per_instance(django_assert_num_queries):
    user = UserFactory(roles=[Role.HUB_STAFF, Role.EXPERT])
    with django_assert_num_queries(1):
        assert user.has_role(Role.HUB_STAFF)
        assert user.has_role(Role.EXPERT)
        assert not user.has_role(Role.MANAGEMENT)
    assert user.role_names == [Role.HUB_STAFF, Role.EXPERT]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Western Balkans"), ("fr", "Balkans occidentaux"), ("ar", "غرب البلقان"), ("fr-ca", "Balkans occidentaux")],
)
def test_a_hub_is_named_in_the_readers_language(language, expected):
    from django.utils import translation

    region = RegionFactory(name="Western Balkans", name_fr="Balkans occidentaux", name_ar="غرب البلقان")
    with translation.override(language):
        assert region.localized_name == expected and str(region) == expected


def test_a_hub_without_a_translated_name_falls_back_to_english():
    from django.utils import translation

    from helpdesk.models import localized_name

    region = RegionFactory(name="South Asia", name_fr="Asie du Sud")
    with translation.override("ar"):
        assert region.localized_name == "South Asia"
    assert localized_name("South Asia", "Asie du Sud", "", language="fr") == "Asie du Sud"


@pytest.mark.parametrize(("language", "name"), [("en", "Lebanon"), ("fr", "Liban"), ("ar", "لبنان")])
def test_a_citys_country_is_a_code_named_in_the_readers_language(language, name):
    from django.utils import translation

    city = CityFactory(name="Saïda", country="LB")
    city.refresh_from_db()
    assert city.country.code == "LB"
    with translation.override(language):
        assert city.country.name == name and str(city) == f"Saïda ({name})"


def test_the_migration_turns_todays_country_names_into_codes():
    import importlib

    migration = importlib.import_module("helpdesk.migrations.0012_hub_names_and_country_codes")
    codes = ["AA", "BB", "CC"]
    named = [migration._code(name, codes) for name in ("Kenya", "United States", "Kosovo", "Tanzania", "cc")]
    assert named == ["KE", "US", "XK", "TZ", "CC"]
    assert migration._code("Country 004", codes) == "BB"  # the scale seeders' names, spread the same way each time
    assert migration._code("Atlantis", codes) is None  # refused, never guessed
