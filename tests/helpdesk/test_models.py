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
