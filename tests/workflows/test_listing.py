"""The queue's search matches only text the person may read."""

import pytest

from helpdesk.models import Sensitivity
from tests.factories import CityFactory, SupportRequestFactory, focal_point, hub_staff
from workflows.listing import QueueFilters, filtered_requests

pytestmark = pytest.mark.django_db


def test_search_never_matches_withheld_description():
    city = CityFactory()
    author, colleague = focal_point(city), focal_point(city)
    restricted = SupportRequestFactory(
        city=city,
        submitted_by=author,
        state="submitted",
        title="Youth outreach",
        description="<p>Contact Zanele Mokoena at the clinic.</p>",
        sensitivity=Sensitivity.RESTRICTED,
    )
    shareable = SupportRequestFactory(
        city=city, submitted_by=author, state="submitted", title="Schools", description="<p>Zanele helps.</p>"
    )
    search = QueueFilters(search="Zanele")

    assert list(filtered_requests(colleague, search)) == [shareable]
    assert set(filtered_requests(author, search)) == {restricted, shareable}
    assert set(filtered_requests(hub_staff(city.region), search)) == {restricted, shareable}
    # The title stays searchable for everyone who sees the row.
    assert list(filtered_requests(colleague, QueueFilters(search="outreach"))) == [restricted]
