"""Security of the pages across views: sign-in, hostile content rendered inert, restricted views logged, forms
that take only what the person may set, e-mails and notifications without content."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.access_world import build_world
from tests.factories import PASSWORD, CityFactory, SupportRequestFactory, focal_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _login(client: Client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def _detail(world) -> str:
    return reverse("request-detail", kwargs={"reference": world.req.reference})


# --- login -----------------------------------------------------------------------------------------------
def test_repeated_failed_logins_are_throttled(client, settings):
    settings.AXES_ENABLED = True
    person = focal_point(CityFactory())
    url = reverse("login")
    statuses = [
        client.post(url, {"username": person.username, "password": "wrong password"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    locked = client.post(url, {"username": person.username, "password": PASSWORD})
    assert locked.status_code in {403, 429}
    assert "_auth_user_id" not in client.session
    # The account stays throttled from another address too (guesses spread over many addresses).
    other_address = Client(REMOTE_ADDR="198.51.100.9")
    assert other_address.post(url, {"username": person.username, "password": PASSWORD}).status_code in {403, 429}


def test_one_password_sprayed_across_many_accounts_from_one_address_is_throttled(settings):
    settings.AXES_ENABLED = True
    url = reverse("login")
    sprayer = Client(REMOTE_ADDR="203.0.113.7")
    people = [focal_point(CityFactory()) for _ in range(settings.AXES_FAILURE_LIMIT + 1)]
    statuses = [
        sprayer.post(url, {"username": person.username, "password": "Spring2026!"}).status_code
        for person in people[:-1]
    ]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    # The next account from that address is refused even with its right password; from elsewhere it signs in.
    assert sprayer.post(url, {"username": people[-1].username, "password": PASSWORD}).status_code in {403, 429}
    assert (
        Client(REMOTE_ADDR="198.51.100.20")
        .post(url, {"username": people[-1].username, "password": PASSWORD})
        .status_code
        == 302
    )


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "http://evil.example", "javascript:alert(1)", "\\\\evil.example"],
)
def test_login_never_redirects_off_site(client, target):
    person = focal_point(CityFactory())
    response = client.post(f"{reverse('login')}?next={target}", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"] and "javascript" not in response["Location"]


def test_login_follows_a_local_next(client):
    person = focal_point(CityFactory())
    request = SupportRequestFactory(city=person.cities.get())
    target = request.get_absolute_url()
    response = client.post(f"{reverse('login')}?next={target}", {"username": person.username, "password": PASSWORD})
    assert response["Location"] == target


# --- pages: hostile content rendered, restricted views logged, forms without mass assignment ---------------
PAGES_BY_ROLE = {
    "hub_region": ["request-detail", "hub-queue"],
    "own_city": ["request-detail", "city-home"],
    "assigned_expert": ["request-detail", "expert-inbox"],
    "management": ["request-detail", "hub-queue"],
}


def _pages(client: Client, world) -> str:
    from collections import Counter

    from tests.helpdesk.hostile_inputs import dangerous

    found: Counter[str] = Counter()
    for role, names in PAGES_BY_ROLE.items():
        client.force_login(world.user(role))
        for name in names:
            kwargs = {"reference": world.req.reference} if name == "request-detail" else {}
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == 200, (role, name)
            found.update(f"{role}:{name}:{item}" for item in dangerous(response.content.decode()))
    return found


def test_hostile_content_stored_raw_is_rendered_inert_on_every_page(client, world):
    """Rows written around the services (admin, imports, old data) are cleaned again on the way out."""
    from helpdesk.models import Message, SupportRequest
    from tests.helpdesk.hostile_inputs import HOSTILE

    baseline = _pages(client, world)
    failures = {}
    for index, raw in enumerate(HOSTILE):
        payload = raw.replace("\x00", "")  # PostgreSQL cannot hold a NUL byte at all: the rest stays raw
        SupportRequest.objects.filter(pk=world.req.pk).update(title=payload[:200], description=payload, summary=payload)
        Message.objects.filter(request=world.req).update(body=payload)
        new = _pages(client, world) - baseline
        if new:
            failures[index] = sorted(new)
    assert not failures, f"new executable markup on pages: {failures}"


def test_viewing_restricted_content_on_the_page_is_logged_with_the_address(client, world):
    from helpdesk.models import AccessLog

    client.force_login(world.user("same_region_city"))
    client.get(_detail(world))
    colleague = focal_point(world.req.city)
    client.force_login(colleague)
    assert client.get(_detail(world)).status_code == 200
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW_RESTRICTED).exists()
    client.force_login(world.user("hub_region"))
    assert client.get(_detail(world), REMOTE_ADDR="192.0.2.80").status_code == 200
    log = AccessLog.objects.get(action=AccessLog.Action.VIEW_RESTRICTED)
    assert (log.user, log.request, log.message, log.ip_address) == (
        world.user("hub_region"),
        world.req,
        world.messages["restricted"],
        "192.0.2.80",
    )


def test_the_request_form_ignores_fields_the_city_may_not_set(client, world):
    from helpdesk.models import SupportRequest

    person = world.user("own_city")
    client.force_login(person)
    before = set(SupportRequest.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("request-new"),
        {
            "city": world.req.city.pk,
            "title": "A plain request",
            "theme": "multi_agency",
            "kind": "advice",
            "strategic_priority": "3",
            "language": "en",
            "urgency": "normal",
            "currency": "EUR",
            # Not the city's to set:
            "state": "closed",
            "owner": world.user("hub_region").pk,
            "region": world.req_other_region.region_id,
            "reference": "SCN-1999-999999",
            "submitted_by": world.user("same_region_city").pk,
            "sensitivity": "shareable",
            "anonymised_at": "2020-01-01T00:00:00Z",
        },
    )
    assert response.status_code == 302
    (created,) = SupportRequest.objects.exclude(pk__in=before)
    assert created.state == "draft" and created.owner is None and created.reference != "SCN-1999-999999"
    assert created.region_id == world.req.region_id and created.submitted_by == person
    assert created.anonymised_at is None


def test_the_request_form_refuses_a_city_that_is_not_the_persons(client, world):
    from helpdesk.models import SupportRequest

    client.force_login(world.user("own_city"))
    count = SupportRequest.objects.count()
    response = client.post(
        reverse("request-new"),
        {"city": world.req_other_region.city.pk, "title": "Elsewhere", "theme": "other", "kind": "advice"},
    )
    assert response.status_code == 200
    assert SupportRequest.objects.count() == count


def test_editing_a_draft_cannot_move_it_to_another_city_or_state(client, world):
    from helpdesk.models import SupportRequest

    person = world.user("own_city")
    second = CityFactory(region=world.req_other_region.region)
    person.cities.add(second)
    client.force_login(person)
    client.post(
        reverse("request-edit", kwargs={"reference": world.draft.reference}),
        {
            "city": second.pk,
            "title": "Edited title",
            "theme": "multi_agency",
            "kind": "advice",
            "strategic_priority": "3",
            "language": "en",
            "urgency": "normal",
            "currency": "EUR",
            "state": "closed",
            "owner": world.user("hub_region").pk,
        },
    )
    draft = SupportRequest.objects.get(pk=world.draft.pk)
    assert draft.city_id == world.req.city_id and draft.region_id == world.req.region_id
    assert draft.state == "draft" and draft.owner is None


def test_a_focal_point_cannot_post_on_the_internal_channel(client, world):
    from helpdesk.models import Message

    client.force_login(world.user("own_city"))
    count = Message.objects.filter(visibility="internal").count()
    response = client.post(
        reverse("request-message", kwargs={"reference": world.req.reference}),
        {"body": "Let me in", "visibility": "internal"},
    )
    assert response.status_code in {200, 404}
    assert Message.objects.filter(visibility="internal").count() == count


def test_owner_post_names_only_staff_of_the_region(client, world):
    from helpdesk.models import SupportRequest

    client.force_login(world.user("hub_region"))
    client.post(
        reverse("request-owner", kwargs={"reference": world.req.reference}),
        {"owner": str(world.user("hub_other_region").pk), "next": "https://evil.example/"},
    )
    assert SupportRequest.objects.get(pk=world.req.pk).owner is None
    response = client.post(
        reverse("request-owner", kwargs={"reference": world.req.reference}),
        {"owner": "me", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and "evil.example" not in response["Location"]
    assert SupportRequest.objects.get(pk=world.req.pk).owner == world.user("hub_region")


def test_page_templates_need_no_inline_script_under_the_csp():
    """The CSP allows scripts from our own origin only: no template may rely on inline script or handlers."""
    import re
    from pathlib import Path

    from django.conf import settings

    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        if "email" in path.parts:
            continue  # e-mails are not pages: no CSP applies, and mail clients run no script anyway
        text = path.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text) or "javascript:" in text.lower():
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []


def test_hostile_input_posted_through_the_forms_is_stored_and_rendered_inert(client, world):
    from helpdesk.models import Message, SupportRequest
    from tests.helpdesk.hostile_inputs import HOSTILE, dangerous, has_bad_characters

    person = world.user("own_city")
    client.force_login(person)
    urls = (_detail(world), reverse("request-detail", kwargs={"reference": world.draft.reference}))
    baseline = {url: len(dangerous(client.get(url).content.decode())) for url in urls}
    failures = {}
    for index, payload in enumerate(HOSTILE):
        client.post(
            reverse("request-message", kwargs={"reference": world.req.reference}),
            {"body": payload, "visibility": "city", "confirm_personal_data": "on"},
        )
        client.post(
            reverse("request-edit", kwargs={"reference": world.draft.reference}),
            {
                "city": world.req.city.pk,
                "title": payload[:200],
                "description": payload,
                "summary": payload,
                "theme": "multi_agency",
                "kind": "advice",
                "strategic_priority": "3",
                "language": "en",
                "urgency": "normal",
                "currency": "EUR",
                "confirm_personal_data": "on",
            },
        )
        draft = SupportRequest.objects.get(pk=world.draft.pk)
        body = Message.objects.filter(request=world.req).latest("pk").body
        problems = dangerous(draft.description) + dangerous(body)
        if any(has_bad_characters(t) for t in (draft.title, draft.summary, draft.description, body)):
            problems.append("control or bidi characters stored")
        for url in urls:
            extra = len(dangerous(client.get(url).content.decode())) - baseline[url]
            if extra > 0:
                problems.append(f"{extra} executable item(s) rendered on {url}")
        if problems:
            failures[index] = problems
    assert not failures


def test_no_email_or_notification_page_carries_a_description_or_a_message_body(client, world, mailoutbox):
    """End to end: a request's life with marked text everywhere; every e-mail and notification list is clean."""
    from helpdesk.services import message_post
    from notifications.models import Notification
    from notifications.services.delivery import email_send
    from workflows.services import transition_perform

    marker = "Vexmartin"
    own, hub = world.user("own_city"), world.user("hub_region")
    req = world.draft
    SupportRequest = type(req)
    SupportRequest.objects.filter(pk=req.pk).update(
        description=f"<p>{marker}-description</p>", summary="Shareable summary.", strategic_priority=3
    )
    req.refresh_from_db()
    req = transition_perform(request=req, transition="submit", actor=own)
    req = transition_perform(
        request=req, transition="request_info", actor=hub, data={"question": f"<p>{marker}-question</p>"}
    )
    req = transition_perform(
        request=req, transition="provide_info", actor=own, data={"answer": f"<p>{marker}-answer</p>"}
    )
    for visibility, author in (("city", own), ("internal", hub), ("expert", hub)):
        message_post(request=req, author=author, body=f"{marker}-{visibility} @{world.user('management').username}")
    message_post(request=req, author=own, body=f"{marker} call +254 712 345 678", confirm_personal_data=True)
    req = transition_perform(request=req, transition="decline", actor=hub, data={"reason": f"<p>{marker}-reason</p>"})

    emails = Notification.objects.filter(channel="email")
    assert emails.exists()
    for pk in emails.values_list("pk", flat=True):
        email_send(notification_id=pk)
    assert mailoutbox
    for mail in mailoutbox:
        parts = [mail.subject, mail.body, *(content for content, _mime in mail.alternatives)]
        assert not any(marker in part for part in parts), mail.subject
    for person in {n.recipient for n in Notification.objects.select_related("recipient")}:
        client.force_login(person)
        page = client.get(reverse("notifications:list")).content.decode()
        assert marker not in page, person


@pytest.mark.parametrize(
    "path",
    [
        "/requests/%00/",
        "/requests/SCN-2026-000001%00/",
        "/requests/%00/experts/",
        "/requests/%00/moves/withdraw/",
        "/requests/%00/owner/",
        "/requests/%00/access-log/",
        "/requests/%C2%B2/",
        "/notifications/requests/%00/watchers/manage/",
    ],
)
def test_a_reference_that_is_not_one_is_refused_before_any_query(client, path):
    """A NUL byte in a reference made PostgreSQL refuse the query (a 500). A NUL is now a 400 before any
    middleware reads the request (web.middleware.ControlCharacterMiddleware); any other reference is matched by
    its pattern in the URL, so it resolves to nothing (a 404) and no request is looked up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import management

    client.force_login(management())
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == (400 if "%00" in path else 404)
    assert not [q for q in captured.captured_queries if "helpdesk_supportrequest" in q["sql"]]
