"""Factories for the domain's rows; tests build what they need and nothing more."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from helpdesk.models import (
    City,
    ExpertProfile,
    Indicator,
    Region,
    Resource,
    ResourceVersion,
    Role,
    SupportRequest,
    User,
)
from helpdesk.resource_index import resource_index_refresh
from helpdesk.services import reference_allocate, roles_ensure
from workflows.models import FundEnvelope

PASSWORD = "a-long-test-password"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"hub-{n}")
    name = factory.Sequence(lambda n: f"Hub {n}")
    languages = ["en"]


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"City {n}")
    country = "KE"
    region = factory.SubFactory(RegionFactory)
    languages = ["en"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            groups = roles_ensure()
            self.groups.set([groups[r] for r in extracted])
            self.__dict__.pop("_role_cache", None)


def focal_point(city: City, **kwargs: object) -> User:
    user = UserFactory(roles=[Role.FOCAL_POINT], **kwargs)
    user.cities.add(city)
    return user


def hub_staff(region: Region, **kwargs: object) -> User:
    return UserFactory(roles=[Role.HUB_STAFF], region=region, **kwargs)


def expert(*, capacity: int = 3, themes: list[str] | None = None, **kwargs: object) -> User:
    user = UserFactory(roles=[Role.EXPERT], **kwargs)
    ExpertProfile.objects.create(
        user=user,
        themes=themes or ["multi_agency"],
        languages=["en"],
        max_concurrent_assignments=capacity,
        vetting_status=ExpertProfile.Vetting.VETTED,
    )
    return user


def management(**kwargs: object) -> User:
    return UserFactory(roles=[Role.MANAGEMENT], **kwargs)


def steering(**kwargs: object) -> User:
    return UserFactory(roles=[Role.STEERING], **kwargs)


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportRequest

    reference = factory.LazyFunction(lambda: reference_allocate()[0])
    city = factory.SubFactory(CityFactory)
    region = factory.LazyAttribute(lambda r: r.city.region)
    title = factory.Sequence(lambda n: f"Request {n}")
    description = "<p>What the city needs.</p>"
    summary = "A shareable summary."
    theme = "multi_agency"
    kind = "advice"
    strategic_priority = 3


class FundEnvelopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundEnvelope

    region = factory.SubFactory(RegionFactory)
    fiscal_year = 2026
    amount = 100000


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"indicator-{n}")
    priority = 1
    name = "Staff trained"
    definition = "People of the city's services trained by the support, counted once each."
    unit = "count"


def indicator(**kwargs: object) -> Indicator:
    """A ready key indicator in use (a count, priority 1, unless ``kwargs`` say otherwise)."""
    return IndicatorFactory(**kwargs)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    slug = factory.Sequence(lambda n: f"resource-{n}")
    kind = "guide"
    themes = factory.LazyFunction(lambda: ["multi_agency"])
    priorities = factory.LazyFunction(lambda: [3])


class ResourceVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceVersion
        skip_postgeneration_save = True

    resource = factory.SubFactory(ResourceFactory)
    language = "en"
    title = factory.Sequence(lambda n: f"A guide to local prevention {n}")
    summary = "How a city set up its prevention network."
    body = "<p>What the city did, step by step.</p>"

    @factory.post_generation
    def indexed(obj: ResourceVersion, create: bool, extracted: object, **kwargs: object) -> None:
        """Searchable as the services make it (a test changing a version's words afterwards calls
        ``resource_index_refresh`` itself)."""
        if create and extracted is not False:
            resource_index_refresh(resource_ids=[obj.resource_id])


def resource(*, state: str = "published", languages: tuple[str, ...] = ("en",), **kwargs: object) -> Resource:
    """A resource in ``state`` with a version in each of ``languages`` (published now, unless said otherwise)."""
    if state == "published":
        kwargs.setdefault("published_at", timezone.now())
    item = ResourceFactory(state=state, **kwargs)
    for language in languages:
        ResourceVersionFactory(resource=item, language=language, written_by=item.created_by)
    return item
