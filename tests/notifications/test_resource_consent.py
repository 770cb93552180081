"""The city's consent to a resource, as notifications tell it: its focal points when asked, the author when
answered; the in-app line leads to the consent page; neither carries a text of the resource."""

import pytest
from django.urls import reverse

from helpdesk import services
from notifications.models import Channel, Notification
from notifications.rendering import render_email
from tests.factories import CityFactory, SupportRequestFactory, focal_point, hub_staff, resource

pytestmark = pytest.mark.django_db

TITLE = "How Quillborough trained its staff"


@pytest.fixture
def asked():
    city = CityFactory()
    hub = hub_staff(city.region, email="hub@example.org")
    focal = focal_point(city, email="focal@example.org")
    source = SupportRequestFactory(city=city, state="closed")
    item = resource(state="draft", region=city.region, city=city, created_by=hub, source_request=source)
    item.versions.update(title=TITLE, summary="A summary never sent.")
    services.resource_consent_ask(resource=item, actor=hub)
    return item, hub, focal


def test_the_focal_point_is_told_and_led_to_the_consent_page(client, asked):
    item, _hub, focal = asked
    consent_url = reverse("resource-consent", kwargs={"slug": item.slug})
    email = Notification.objects.get(recipient=focal, channel=Channel.EMAIL)
    message = render_email(email)
    # The e-mail leads to the request it was drawn from (the resource's address is made from its title).
    assert item.source_request.get_absolute_url() in message.body and item.slug not in message.body
    assert TITLE not in message.body and "never sent" not in message.body and TITLE not in message.subject
    in_app = Notification.objects.get(recipient=focal, channel=Channel.IN_APP)
    client.force_login(focal)
    response = client.post(reverse("notifications:open", kwargs={"pk": in_app.pk}))
    assert response.status_code == 302 and response["Location"] == consent_url
    assert client.get(consent_url).status_code == 200


def test_the_author_is_told_of_the_answer_and_nobody_else(asked):
    item, hub, focal = asked
    services.resource_consent_answer(resource=item, actor=focal, answer="anonymous")
    told = Notification.objects.filter(event="resource_consent_answered")
    assert {(n.recipient_id, n.channel) for n in told} == {(hub.pk, Channel.IN_APP), (hub.pk, Channel.EMAIL)}
    assert all(n.data == {"resource": item.pk, "consent": "anonymous"} for n in told)
