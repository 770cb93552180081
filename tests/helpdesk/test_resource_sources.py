"""The city's consent to a resource drawn from its request: asked of its focal points, answered once by one of
them (named, anonymous or refused), recorded with who and when, with a history row and its author told."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from helpdesk import services
from helpdesk.models import Consent, ResourceLog
from notifications.models import Notification
from tests.factories import CityFactory, focal_point, hub_staff, resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked():
    city = CityFactory()
    hub = hub_staff(city.region)
    item = resource(state="draft", region=city.region, city=city, created_by=hub)
    services.resource_consent_ask(resource=item, actor=hub)
    return item, hub, focal_point(city)


@pytest.mark.parametrize(("answer", "named"), [("named", True), ("anonymous", False), ("refused", False)])
def test_the_focal_point_answers_once_and_the_author_is_told(asked, answer, named):
    item, hub, focal = asked
    services.resource_consent_answer(resource=item, actor=focal, answer=answer)
    item.refresh_from_db()
    assert (item.consent, item.city_named, item.consent_by_id) == (answer, named, focal.pk)
    assert item.consent_at is not None
    row = ResourceLog.objects.filter(resource=item).last()
    assert (row.action, row.actor_id, row.data) == ("consent_answered", focal.pk, {"answer": answer})
    told = Notification.objects.filter(event="resource_consent_answered")
    assert {n.recipient_id for n in told} == {hub.pk}
    with pytest.raises(PermissionDenied):  # answered: nothing more to answer
        services.resource_consent_answer(resource=item, actor=focal, answer="named")


def test_only_the_citys_focal_points_answer_and_only_with_a_known_answer(asked):
    item, hub, focal = asked
    for person in (hub, focal_point(CityFactory(region=item.region))):
        with pytest.raises(PermissionDenied):
            services.resource_consent_answer(resource=item, actor=person, answer="named")
    with pytest.raises(ValidationError):
        services.resource_consent_answer(resource=item, actor=focal, answer="maybe")
    item.refresh_from_db()
    assert item.consent == Consent.ASKED


def test_asking_needs_a_city_and_someone_who_may_edit_it(asked):
    item, hub, _focal = asked
    with pytest.raises(ValidationError):
        services.resource_consent_ask(resource=item, actor=hub)  # already asked
    with pytest.raises(PermissionDenied):
        services.resource_consent_ask(resource=resource(state="draft", created_by=hub), actor=hub)
