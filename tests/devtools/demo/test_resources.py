"""The demo's resource hub: published resources in the three languages, written, translated and published by
different people, some drawn from closed requests with the city's consent; and cities open to peer exchange."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from devtools.demo.resources import DEMO_RESOURCES, PEER_CONTACT_THEMES
from helpdesk.models import (
    City,
    Consent,
    Message,
    RequestState,
    Resource,
    ResourceLog,
    ResourceState,
    ResourceVersion,
    SupportKind,
    SupportRequest,
)
from helpdesk.sanitize import clean_html, seal
from helpdesk.screening import screen_fields

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_two_dozen_resources_in_the_three_languages(demo):
    published = Resource.objects.filter(state=ResourceState.PUBLISHED)
    assert published.count() >= 20
    assert set(published.values_list("kind", flat=True)) == {"tool", "guide", "policy", "practice", "profile"}
    languages = ResourceVersion.objects.filter(resource__state=ResourceState.PUBLISHED)
    assert set(languages.values_list("language", flat=True)) == {"en", "fr", "ar"}
    # English alone or with French for about half; some in French only, some with Arabic, a few in all three.
    by_resource: dict[int, set[str]] = {}
    for resource_id, language in languages.values_list("resource_id", "language"):
        by_resource.setdefault(resource_id, set()).add(language)
    mixes = list(by_resource.values())
    assert sum(mix <= {"en", "fr"} and "en" in mix for mix in mixes) >= len(mixes) / 3
    assert sum(mix == {"fr"} for mix in mixes) >= 2
    assert sum("ar" in mix for mix in mixes) >= 5
    assert sum(mix == {"en", "fr", "ar"} for mix in mixes) >= 2
    # Still being written or reviewed: a few.
    assert Resource.objects.filter(state=ResourceState.DRAFT).exists()
    assert Resource.objects.filter(state=ResourceState.REVIEW).exists()
    # Published over the last two years, never in the future.
    now = timezone.now()
    dates = sorted(published.values_list("published_at", flat=True))
    assert dates[0] > now - timedelta(days=2 * 366) and dates[-1] <= now
    assert dates[0] < now - timedelta(days=365) and dates[-1] > now - timedelta(days=60)


def test_each_resource_is_written_by_one_person_translated_by_others_and_published_by_someone_else(demo):
    for resource in Resource.objects.filter(state=ResourceState.PUBLISHED).prefetch_related("versions", "log"):
        versions = list(resource.versions.all())
        originals = [version for version in versions if not version.translated_from]
        assert len(originals) == 1, resource.slug
        for version in versions:
            if version.translated_from:
                assert version.translated_from == originals[0].language != version.language
                assert version.written_at >= originals[0].written_at
        writers = {resource.created_by_id} | {version.written_by_id for version in versions}
        assert resource.reviewed_by_id not in writers, resource.slug
        history = list(resource.log.all())
        assert [row.action for row in history][-1] == "published"
        assert history[-1].created_at == resource.published_at
        assert all(a.created_at <= b.created_at for a, b in itertools.pairwise(history))
    # Different people wrote them: focal points, hub staff and the management unit.
    authors = set(Resource.objects.values_list("created_by__username", flat=True))
    assert {name.split(".")[0] for name in authors} == {"focal", "hub", "mu"}


def test_every_text_is_free_of_personal_data_and_passed_the_sanitiser(demo):
    versions = list(ResourceVersion.objects.select_related("resource"))
    assert len(versions) == sum(len(spec.texts) for spec in DEMO_RESOURCES)
    for version in versions:
        assert not screen_fields({"title": version.title, "summary": version.summary, "body": version.body})
        assert clean_html(version.body) == version.body and version.body_seal == seal(version.body)
        assert "<p>" in version.body and ("<li>" in version.body or "<strong>" in version.body), version.title
        words = len(strip_tags(version.body).split())
        # 80 to 200 words in English and French; the same text takes fewer words in Arabic; a draft is short.
        if version.resource.state == ResourceState.PUBLISHED:
            assert (70 if version.language == "ar" else 80) <= words <= 200, (version.title, words)
        else:
            assert 30 <= words <= 200, (version.title, words)


def test_some_resources_come_from_closed_requests_with_the_city_consent(demo):
    drawn = list(Resource.objects.filter(source_request__isnull=False).select_related("source_request", "city"))
    assert 4 <= len(drawn) <= 6
    published = [resource for resource in drawn if resource.state == ResourceState.PUBLISHED]
    assert {resource.consent for resource in published} == {Consent.NAMED, Consent.ANONYMOUS}
    assert any(resource.consent == Consent.ASKED and resource.state == ResourceState.REVIEW for resource in drawn)
    for resource in drawn:
        request = resource.source_request
        assert request.state == RequestState.CLOSED
        assert resource.city_id == request.city_id and resource.region_id == request.region_id
        assert resource.city_named == (resource.consent == Consent.NAMED)
        if resource.consent != Consent.ASKED:
            assert resource.consent_by.cities.filter(pk=request.city_id).exists()
            assert resource.created_at <= resource.consent_at <= (resource.published_at or timezone.now())
            assert resource.created_at > request.closed_at
        actions = set(ResourceLog.objects.filter(resource=resource).values_list("action", flat=True))
        assert {"drawn_from_request", "consent_asked"} <= actions
        texts = " ".join(f"{v.title} {v.summary} {v.body}" for v in resource.versions.all())
        # Its summary and outcomes, never the request's description or messages.
        assert request.description not in texts
        for body in Message.objects.filter(request=request).values_list("body", flat=True):
            assert body not in texts
        if resource.consent == Consent.ANONYMOUS:
            assert request.city.name not in texts


def test_cities_with_good_closed_requests_are_open_to_peer_exchange(demo):
    open_cities = {city.name: city for city in City.objects.exclude(peer_contact_themes=[])}
    assert 6 <= len(open_cities) <= 10 and set(open_cities) == set(PEER_CONTACT_THEMES)
    for city in open_cities.values():
        assert SupportRequest.objects.filter(
            city=city,
            state=RequestState.CLOSED,
            theme__in=city.peer_contact_themes,
            evaluation__rating__gte=4,
        ).exists(), city.name
    # A demo login city asks for a peer exchange, and has peers: same theme and a shared working language.
    asking = SupportRequest.objects.select_related("city").get(
        city__name="Kumanovo", kind=SupportKind.PEER_EXCHANGE, state=RequestState.SUBMITTED
    )
    peers = [
        city
        for city in open_cities.values()
        if asking.theme in city.peer_contact_themes and set(city.languages) & set(asking.city.languages)
    ]
    assert len(peers) >= 2 and any(city.region_id == asking.city.region_id for city in peers)
