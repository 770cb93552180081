"""Every page's frame (``templates/base.html``): on a phone a one-line header whose menu holds the rest, the full
bar on wider screens, both without script and reading the unread count once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Channel, Notification, Reason, Status
from tests.factories import SupportRequestFactory, hub_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client):
    person = hub_staff(SupportRequestFactory().region)
    request = SupportRequestFactory(city__region=person.region)
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            request=request,
            event="submit",
            reason=Reason.HUB,
            channel=Channel.IN_APP,
            status=Status.SENT,
        )
        for _ in range(3)
    )
    client.force_login(person)
    client.get("/hub/queue/")  # the session's first page may write to it
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/hub/queue/").content.decode()
    return html, queries


def test_a_phone_gets_a_menu_holding_navigation_profile_sign_out_and_language(page):
    html, _queries = page
    menu = re.search(r'<details class="desk-menu">(.*?)</details>', html, re.S)

    assert menu, "the phone's menu"
    inside = menu.group(1)
    assert "<summary" in inside and ">Menu</summary>" in inside
    assert 'href="/hub/queue/"' in inside and 'aria-current="page"' in inside
    assert 'action="/accounts/logout/"' in inside and 'class="lang-switch' in inside
    assert 'href="/accounts/profile/"' in inside
    # Beside the brand, outside the menu: the unread count, as a bell with its words for screen readers.
    head = html[html.index('<header class="desk-header') : html.index('<details class="desk-menu">')]
    assert "desk-bell" in head and ">3<" in head and "Notifications" in head


def test_wider_screens_keep_the_full_bar(page):
    html, _queries = page
    bar = html[html.index('class="d-none d-md-flex') : html.index("</header>")]

    for needle in ('href="/hub/queue/"', 'action="/accounts/logout/"', 'class="d-inline lang-switch"', ">3<"):
        assert needle in bar


def test_the_header_reads_the_unread_count_once_and_needs_no_script(page):
    html, queries = page
    counts = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]

    assert len(counts) == 1
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html
