"""A reply template written out for one request (``helpdesk.replies``)."""

from datetime import UTC, datetime

import pytest

from helpdesk.models import ReplyTemplate
from helpdesk.replies import template_body, template_render
from tests.factories import CityFactory, focal_point
from tests.web.pages import in_state

pytestmark = pytest.mark.django_db


def _template(**bodies: str) -> ReplyTemplate:
    return ReplyTemplate(title="T", **{"body_en": "", "body_fr": "", "body_ar": "", **bodies})


def test_placeholders_are_filled_in_the_requests_language():
    city = CityFactory(name="Mombasa")
    person = focal_point(city, first_name="Amina", last_name="Yusuf")
    request = in_state(
        "submitted", city=city, submitted_by=person, language="fr", due_at=datetime(2026, 5, 6, 9, tzinfo=UTC)
    )
    template = _template(
        body_en="Dear {focal_point}", body_fr="Bonjour {focal_point}, {city} : {reference} avant le {deadline}."
    )
    assert template_render(template, request) == (
        f"Bonjour Amina Yusuf, Mombasa : {request.reference} avant le 6 mai 2026."
    )


def test_a_missing_language_falls_back_and_a_missing_deadline_says_so():
    request = in_state("submitted", language="ar", due_at=None)
    assert template_body(_template(body_fr="Bonjour"), "ar") == "Bonjour"
    assert template_body(_template(body_en="Hello", body_ar="مرحبا"), "ar") == "مرحبا"
    assert "{deadline}" not in template_render(_template(body_ar="{deadline}"), request)


def test_nothing_but_the_four_placeholders_is_replaced_and_values_are_not_read_again():
    city = CityFactory(name="{reference}")
    request = in_state("submitted", city=city, language="en")
    hostile = "{city} {0} {reference.__class__} {deadline!r} %(x)s {{city}} {focal_point:>99}"
    text = template_render(_template(body_en=hostile), request)
    # The city's name, itself "{reference}", stays as typed: one pass, no format string evaluated.
    assert text.startswith("{reference} {0} {reference.__class__} {deadline!r} %(x)s {{reference}}")
    assert text.endswith("{focal_point:>99}")
