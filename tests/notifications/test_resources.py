"""A resource's moves are told content-free: sent to review → the management unit and its hub's staff (not its
writers); sent back or published → its author. The e-mail names no title or text; the desk's entry opens it."""

import pytest

from helpdesk.services import resource_create, resource_publish, resource_return, resource_submit
from notifications.models import Channel, Notification, Reason
from notifications.rendering import render_email
from tests.factories import CityFactory, RegionFactory, focal_point, hub_staff, management, steering

pytestmark = pytest.mark.django_db

TITLE = "Secret-looking title of the guide"


@pytest.fixture
def setting():
    region = RegionFactory()
    city = CityFactory(region=region)
    author = focal_point(city, email="author@example.org")
    item = resource_create(
        actor=author, kind="guide", language="en", title=TITLE, body="<p>Body words</p>", region=region
    )
    return {
        "item": item,
        "author": author,
        "staff": hub_staff(region, email="staff@example.org"),
        "far_staff": hub_staff(RegionFactory()),
        "unit": management(email="unit@example.org"),
        "steering": steering(),
    }


def _told(event: str) -> dict[int, str]:
    return dict(Notification.objects.filter(event=event, channel=Channel.IN_APP).values_list("recipient_id", "reason"))


def test_sent_to_review_tells_the_hub_and_the_unit_but_not_the_writers(setting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        resource_submit(resource=setting["item"], actor=setting["author"])
    told = _told("resource_submitted")
    assert told == {setting["staff"].pk: Reason.HUB, setting["unit"].pk: Reason.MANAGEMENT}
    email = Notification.objects.get(event="resource_submitted", channel=Channel.EMAIL, recipient=setting["staff"])
    message = render_email(email)
    whole = message.subject + message.body + str(message.alternatives[0][0])
    assert TITLE not in whole and "Body words" not in whole
    assert "/resources/?show=unpublished" in message.body and "Request:" not in message.body


def test_returned_and_published_tell_its_author(setting, client):
    item, reviewer = setting["item"], setting["unit"]
    resource_submit(resource=item, actor=setting["author"])
    resource_return(resource=item, actor=reviewer, reason="Add the date.")
    assert _told("resource_returned") == {setting["author"].pk: Reason.WRITER}
    resource_submit(resource=item, actor=setting["author"])
    resource_publish(resource=item, actor=reviewer)
    assert _told("resource_published") == {setting["author"].pk: Reason.WRITER}
    entry = Notification.objects.get(event="resource_published", channel=Channel.IN_APP)
    assert entry.data == {"resource": item.pk}
    client.force_login(setting["author"])
    assert TITLE not in client.get("/notifications/").content.decode()
    opened = client.post(f"/notifications/{entry.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == item.get_absolute_url()
