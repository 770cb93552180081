"""Before a city files: the new-request form suggests published resources and its own answered requests, and the
desk counts how often that answered it (the deflection figures of the management overview)."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import IntakeSession, Role, SupportRequest
from helpdesk.selectors import intake_deflection
from tests.factories import (
    CityFactory,
    ResourceFactory,
    ResourceVersionFactory,
    UserFactory,
    focal_point,
    management,
)
from tests.web.pages import in_state
from web.intake import intake_key, intake_new

pytestmark = pytest.mark.django_db

SUGGEST = "/requests/new/suggestions/"
NEW = "/requests/new/"


def _resource(title: str, *, state: str = "published", **fields):
    if state == "published":
        fields.setdefault("published_at", timezone.now())
    item = ResourceFactory(state=state, **fields)
    ResourceVersionFactory(resource=item, language="en", title=title, written_by=item.created_by)
    return item


@pytest.fixture
def city():
    return CityFactory()


@pytest.fixture
def focal(client, city):
    user = focal_point(city)
    client.force_login(user)
    return user


def _links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', html)]


def test_published_resources_and_own_answered_requests_are_suggested(client, focal, city):
    _resource("Youth mentoring toolkit")
    answered = in_state("closed", city=city, title="Mentoring for youth after the riots",
                        closed_at=timezone.now() - timedelta(days=3))  # fmt: skip
    delivered = in_state("delivered", city=city, title="A youth council")
    token = intake_new()
    response = client.get(SUGGEST, {"q": "  youth   mentoring ", "intake": token})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Youth mentoring toolkit" in html
    assert answered.reference in html and delivered.reference in html
    assert "Closed" in html and "Delivered" in html
    # The request matching both words comes first.
    assert html.index(answered.reference) < html.index(delivered.reference)
    # Every link goes through the counting redirect, in this form session.
    links = [link for link in _links(html) if link.startswith(reverse("intake-suggestion-open"))]
    assert len(links) == 3
    assert all(parse_qs(urlsplit(link).query)["intake"] == [token] for link in links)
    assert IntakeSession.objects.filter(key=intake_key(token)).count() == 1


def test_another_citys_request_is_never_suggested(client, focal, city):
    other = in_state("closed", city=CityFactory(region=city.region), title="Youth mentoring elsewhere")
    open_own = in_state("submitted", city=city, title="Youth mentoring still open")
    draft_own = in_state("draft", city=city, title="Youth mentoring draft")
    html = client.get(SUGGEST, {"q": "youth mentoring", "intake": intake_new()}).content.decode()
    for hidden in (other, open_own, draft_own):
        assert hidden.reference not in html
    # Nor opened by its reference.
    response = client.get(reverse("intake-suggestion-open"), {"request": other.reference, "intake": intake_new()})
    assert response.status_code == 404
    assert not IntakeSession.objects.exists()


def test_hub_staff_of_the_city_who_is_also_its_focal_point_sees_only_the_citys_requests(client, city):
    # A focal point who is hub staff too sees the region's requests, but is suggested only the city's own.
    person = UserFactory(roles=[Role.FOCAL_POINT, Role.HUB_STAFF], region=city.region)
    person.cities.add(city)
    client.force_login(person)
    neighbour = in_state("closed", city=CityFactory(region=city.region), title="Youth mentoring next door")
    html = client.get(SUGGEST, {"q": "youth mentoring"}).content.decode()
    assert neighbour.reference not in html


@pytest.mark.parametrize("state", ["draft", "review", "archived"])
def test_unpublished_resources_are_never_suggested(client, focal, city, state):
    # Not even the person's own draft, nor one of their city asking for consent.
    item = _resource("Youth mentoring draft guide", state=state, created_by=focal, city=city, consent="asked")
    html = client.get(SUGGEST, {"q": "youth mentoring", "intake": intake_new()}).content.decode()
    assert "Youth mentoring draft guide" not in html
    response = client.get(reverse("intake-suggestion-open"), {"resource": item.slug, "intake": intake_new()})
    assert response.status_code == 404


@pytest.mark.parametrize("q", ["", "  ", "ab", "a b c", "!!", "of a"])
def test_too_short_a_query_suggests_nothing(client, focal, city, q):
    _resource("ab of a guide")
    response = client.get(SUGGEST, {"q": q, "intake": intake_new()})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
    assert not IntakeSession.objects.exists()


def test_a_long_query_is_cut_and_the_fragment_stays_small(client, focal):
    _resource("Youth mentoring toolkit")
    response = client.get(SUGGEST, {"q": "youth mentoring " + "x" * 10_000})
    assert response.status_code == 200
    assert "Youth mentoring toolkit" in response.content.decode()


def test_five_suggestions_at_most_of_each(client, focal, city):
    for i in range(7):
        _resource(f"Youth mentoring guide {i}")
        in_state("closed", city=city, title=f"Youth mentoring request {i}")
    html = client.get(SUGGEST, {"q": "youth mentoring"}).content.decode()
    assert html.count("Youth mentoring guide") == 5
    assert html.count("Youth mentoring request") == 5


def test_opening_a_suggestion_is_counted_and_goes_there(client, focal, city):
    item = _resource("Youth mentoring toolkit")
    answered = in_state("closed", city=city, title="Youth mentoring")
    token = intake_new()
    client.get(SUGGEST, {"q": "youth mentoring", "intake": token})
    response = client.get(reverse("intake-suggestion-open"), {"resource": item.slug, "intake": token})
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    response = client.get(reverse("intake-suggestion-open"), {"request": answered.reference, "intake": token})
    assert response.status_code == 302 and response["Location"] == answered.get_absolute_url()
    session = IntakeSession.objects.get()
    assert session.opened == 2 and session.filed_at is None


def test_a_forged_session_id_counts_nothing(client, focal):
    _resource("Youth mentoring toolkit")
    client.get(SUGGEST, {"q": "youth mentoring", "intake": "0123456789abcdef0123456789abcdef:forged"})
    assert not IntakeSession.objects.exists()


def test_filing_from_the_form_marks_its_session_and_stores_nothing_typed(client, focal, city):
    _resource("Youth mentoring toolkit")
    page = client.get(NEW).content.decode()
    token = re.search(r'name="intake" value="([^"]+)"', page).group(1)
    client.get(SUGGEST, {"q": "youth mentoring", "intake": token})
    response = client.post(NEW, {"city": city.pk, "title": "Youth mentoring for us", "intake": token, "save": "1"})
    assert response.status_code == 302
    session = IntakeSession.objects.get()
    assert session.filed_at is not None
    stored = [str(value) for value in IntakeSession.objects.values_list().get()]
    assert not any("mentoring" in value for value in stored)


def test_without_script_look_for_answers_shows_the_form_as_typed_with_the_suggestions(client, focal, city):
    _resource("Youth mentoring toolkit")
    token = intake_new()
    typed = {"city": city.pk, "title": "Youth mentoring", "description": "Our own words, kept.", "intake": token}
    response = client.post(NEW, {**typed, "look": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Youth mentoring toolkit" in html
    assert "Our own words, kept." in html and 'value="Youth mentoring"' in html
    assert f'value="{token}"' in html  # the same form session
    assert "is-invalid" not in html  # nothing judged
    assert not SupportRequest.objects.exists()
    assert IntakeSession.objects.filter(key=intake_key(token)).exists()


def test_deflection_figures(client):
    now = timezone.now()

    def session(*, days: int, opened: int = 0, filed: bool = False) -> None:
        IntakeSession.objects.create(
            key=intake_key(intake_new()), shown_at=now - timedelta(days=days), opened=opened,
            filed_at=now if filed else None,
        )  # fmt: skip

    session(days=1)  # shown, nothing opened, filed or not: out of the last two figures
    session(days=2, filed=True)
    session(days=3, opened=1)  # deflected
    session(days=4, opened=2)  # deflected
    session(days=5, opened=1, filed=True)  # filed anyway
    session(days=120, opened=1)  # too old
    figures = intake_deflection(days=90, now=now)
    assert (figures.shown, figures.opened, figures.deflected, figures.filed_anyway) == (5, 3, 2, 1)

    IntakeSession.objects.bulk_create([IntakeSession(key=intake_key(intake_new()), opened=1) for _ in range(1500)])
    client.force_login(management())
    html = client.get("/overview/").content.decode()
    block = html[html.index('id="deflection-title"') :]
    # Shown 1,505 (1,500 today and five in the last 90 days), opened 1,503, deflected 1,502, filed anyway 1.
    assert [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r'<td class="text-end"[^>]*>(.*?)</td>', block)
    ] == [
        "1,505",
        "1,503",
        "1,502",
        "1",
    ]
    client.force_login(management(preferred_language="fr"))
    html = client.get("/overview/").content.decode()
    assert re.search(r">1(\u202f|\xa0|&nbsp;| )505<", html)


@pytest.mark.parametrize("rows", [2, 20])
def test_the_fragment_costs_a_bounded_number_of_queries(client, focal, city, rows, django_assert_max_num_queries):
    for i in range(rows):
        _resource(f"Youth mentoring guide {i}")
        in_state("closed", city=city, title=f"Youth mentoring request {i}")
    token = intake_new()
    client.get(SUGGEST, {"q": "youth mentoring", "intake": token})  # the session row and the form session
    # Session, person, roles, cities and kept read access (what the person reaches), then the two searches.
    with django_assert_max_num_queries(9):
        response = client.get(SUGGEST, {"q": "youth mentoring", "intake": token})
    assert response.status_code == 200
