"""Finding resources: only what the person may read, filtered, a title match before a text match, in English,
French and Arabic, with a bounded number of queries."""

import pytest
from django.db import connection

from helpdesk.resource_index import resource_index_refresh
from helpdesk.selectors import resources_search
from tests.factories import CityFactory, ResourceVersionFactory, focal_point, resource, steering

pytestmark = pytest.mark.django_db

stemming = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's FTS5 index does not stem (a word finds the words it begins): inflected forms are PostgreSQL's",
)


def _written(item, **fields):
    item.versions.update(**fields)
    resource_index_refresh(resource_ids=[item.pk])
    return item


def test_a_title_match_ranks_above_a_text_match_and_drafts_stay_out():
    in_text = _written(resource(), body="<p>The youth council met monthly.</p>")
    in_title = _written(resource(kind="tool"), title="Youth council toolkit")
    _written(resource(state="draft"), title="Youth council draft")
    reader = steering()
    found = list(resources_search(reader, q="youth council"))
    assert found == [in_title, in_text]
    assert list(resources_search(reader, q="youth", kinds=["tool"])) == [in_title]


def test_an_older_title_match_still_ranks_above_a_newer_summary_match():
    from datetime import timedelta

    from django.utils import timezone

    older = _written(resource(published_at=timezone.now() - timedelta(days=400)), title="Mentoring young people")
    newer = _written(resource(), summary="Mentoring, mentoring and more mentoring for mentoring's sake.")
    assert list(resources_search(steering(), q="mentoring")) == [older, newer]


def test_filters_by_language_theme_and_priority():
    french = resource(languages=("fr",), themes=["young_cities"], priorities=[4])
    ResourceVersionFactory(resource=resource(), language="ar")
    reader = focal_point(CityFactory())
    assert list(resources_search(reader, languages=["fr"])) == [french]
    assert list(resources_search(reader, themes=["young_cities"], priorities=[4])) == [french]


def test_the_language_filter_applies_to_the_matching_version():
    item = resource(languages=("en", "fr"))
    item.versions.filter(language="en").update(title="Hate speech online")
    item.versions.filter(language="fr").update(title="Discours de haine en ligne")
    resource_index_refresh(resource_ids=[item.pk])
    reader = steering()
    assert list(resources_search(reader, q="haine", languages=["fr"])) == [item]
    assert list(resources_search(reader, q="haine", languages=["en"])) == []


def test_an_arabic_resource_is_found_by_an_arabic_word():
    item = resource(languages=("ar",))
    _written(item, title="دليل الوقاية من التطرف", summary="كيف تعمل المدينة مع الشباب", body="<p>الحوار والثقة</p>")
    resource(languages=("en",))
    reader = focal_point(CityFactory())
    assert list(resources_search(reader, q="التطرف")) == [item]
    assert list(resources_search(reader, q="الشباب")) == [item]
    # Written with its short vowels, the word is the same.
    assert list(resources_search(reader, q="التَّطَرُّف")) == [item]


def test_french_accents_and_case_do_not_matter():
    item = _written(resource(languages=("fr",)), title="Élections municipales : prévenir les tensions")
    assert list(resources_search(steering(), q="elections prevenir")) == [item]


@stemming
def test_a_french_word_is_found_in_another_inflected_form():
    training = _written(resource(languages=("fr",)), title="Guide de formation", body="<p>Un conseil municipal.</p>")
    assert list(resources_search(steering(), q="formations")) == [training]
    assert list(resources_search(steering(), q="municipales")) == [training]


def test_a_partial_word_finds_the_words_it_begins():
    item = _written(resource(languages=("fr",)), title="Politique municipale de prévention")
    assert list(resources_search(steering(), q="municip")) == [item]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Close titles (typos) are pg_trgm's, PostgreSQL only")
def test_a_typo_finds_close_titles_when_nothing_matches():
    item = _written(resource(), title="Radicalisation prevention toolkit")
    assert list(resources_search(steering(), q="radicalisaton")) == [item]


def test_a_draft_never_appears_for_someone_who_may_not_read_it():
    draft = _written(resource(state="draft"), title="Confidential draft about polarisation")
    published = _written(resource(), title="Polarisation in schools")
    outsider = focal_point(CityFactory())
    assert list(resources_search(outsider, q="polarisation")) == [published]
    assert list(resources_search(outsider, q="polarisation", states=["draft", "published"])) == [published]
    author = draft.created_by
    if author is not None:
        found = resources_search(author, q="polarisation", states=["draft", "published"])
        assert draft in list(found)


def test_nothing_searchable_typed_finds_nothing_rather_than_everything():
    resource()
    assert list(resources_search(steering(), q="!!! ???")) == []
