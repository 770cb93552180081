"""Posts per person: past the limit a post is refused with the 429 page, nothing is saved, and nobody else is
held back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from helpdesk.models import Attachment, Message
from tests.access_world import PDF_BYTES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rate_limits_on):
    settings = rate_limits_on
    settings.RATELIMIT_POSTS = "3/m"
    settings.RATELIMIT_UPLOADS = "1/m"
    return build_world()


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _post(client: Client, world, body: str, **files):
    url = reverse("request-message", kwargs={"reference": world.req.reference})
    return client.post(url, {"body": body, "visibility": "city", **files})


def test_the_post_past_the_limit_gets_the_429_page_and_saves_nothing(world):
    client = _client(world.user("own_city"))
    for n in range(3):
        assert _post(client, world, f"Message {n}").status_code == 302
    before = Message.objects.count()
    response = _post(client, world, "One too many")
    assert response.status_code == 429
    assert response.templates[0].name == "429.html"
    assert 0 < int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "what you wrote is not lost" in page and "Back button" in page
    assert Message.objects.count() == before
    assert not Message.objects.filter(body__contains="One too many").exists()


def test_another_person_is_not_held_back_and_reading_is_never_counted(world):
    city = _client(world.user("own_city"))
    for n in range(4):
        _post(city, world, f"Message {n}")
    assert _post(city, world, "Still too many").status_code == 429
    assert city.get(world.req.get_absolute_url()).status_code == 200
    hub = _client(world.user("hub_region"))
    assert _post(hub, world, "The hub answers").status_code == 302
    assert Message.objects.filter(body__contains="The hub answers").exists()


def test_posts_carrying_files_have_their_own_lower_limit(world):
    client = _client(world.user("own_city"))
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")
    assert _post(client, world, "With a file", attachment=upload).status_code == 302
    files = Attachment.objects.count()
    again = SimpleUploadedFile("plan2.pdf", PDF_BYTES + b"\n", content_type="application/pdf")
    assert _post(client, world, "Another file", attachment=again).status_code == 429
    assert Attachment.objects.count() == files
    assert _post(client, world, "Words only").status_code == 302


def test_new_requests_and_moves_count_too(world):
    client = _client(world.user("own_city"))
    for _ in range(3):
        client.post(reverse("request-new"), {"title": ""})
    assert client.post(reverse("request-new"), {"title": ""}).status_code == 429
    move = reverse("request-move", kwargs={"reference": world.req.reference, "name": "withdraw"})
    assert client.post(move, {}).status_code == 429
    assert client.get(reverse("request-new")).status_code == 200


def test_off_when_disabled(world, settings):
    settings.RATELIMIT_ENABLE = False
    client = _client(world.user("own_city"))
    assert all(_post(client, world, f"Message {n}").status_code == 302 for n in range(5))
