"""Every page's frame (``templates/base.html``): one menu written once, the bar on wider screens and folded behind
"Menu" on a phone (by desk.js; open without it), reading the unread count once."""

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


def test_one_menu_holds_navigation_profile_sign_out_and_language_for_every_width(page):
    html, _queries = page
    # Written once: open (the bar on a wide screen; desk.js folds it behind "Menu" on a phone).
    assert html.count('<details class="desk-menu"') == 1 and html.count('action="/accounts/logout/"') == 1
    menu = re.search(r'<details class="desk-menu" open>(.*?)</details>', html, re.S)

    assert menu, "the header's menu"
    inside = menu.group(1)
    assert "<summary" in inside and ">Menu</summary>" in inside
    assert 'href="/hub/queue/"' in inside and 'aria-current="page"' in inside
    assert 'action="/accounts/logout/"' in inside and 'class="lang-switch' in inside
    assert 'href="/accounts/profile/"' in inside
    # Beside the brand, outside the menu: the unread count, a bell with its word (for screen readers on a phone).
    head = html[html.index('<header class="desk-header') : html.index('<details class="desk-menu"')]
    assert "desk-bell" in head and ">3<" in head and "Notifications" in head


def test_the_header_reads_the_unread_count_once_and_needs_no_script(page):
    html, queries = page
    counts = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]

    assert len(counts) == 1
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html


def test_no_template_comment_spans_lines_and_so_shows_on_the_page(page):
    """Django's ``{# #}`` comment is one line: a second line turns it into text on the page."""
    from pathlib import Path

    html, _queries = page
    assert "{#" not in html and "#}" not in html
    for template in (Path(__file__).resolve().parents[2] / "templates").rglob("*.html"):
        text = template.read_text()
        for start in (i for i in range(len(text)) if text.startswith("{#", i)):
            assert "\n" not in text[start : text.index("#}", start)], template
