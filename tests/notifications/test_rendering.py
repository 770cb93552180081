"""Every e-mail, in English, French and Arabic: reference, title, what happened, a link, and no content."""

from __future__ import annotations

import polib
import pytest
from django.template.loader import get_template
from django.utils import timezone

from helpdesk.models import Message, Sensitivity, Visibility
from notifications import events
from notifications.models import Channel, Notification, Reason, Status
from notifications.rendering import render_email
from web.notification_entries import entry
from workflows.lifecycle import EVENTS as LIFECYCLE_EVENTS

DESCRIPTION = "DESCRIPTION-MARKER the city's confidential account"
BODY = "BODY-MARKER a message nobody may e-mail"
TITLE = "Youth centre partnership"
LANGUAGES = ["en", "fr", "ar"]
EVENTS = sorted({*LIFECYCLE_EVENTS, *events.LABELS} - {events.DIGEST})

# A few of the desk's strings, translated in a catalogue of the test's own, so that the language of an
# e-mail is checked on its words whatever state the project's catalogues are in.
CATALOGUE = {
    "fr": {
        "Hello %(name)s,": "Bonjour %(name)s,",
        "Open the request in the help desk:": "Ouvrir la demande dans le service d'assistance :",
        "Open the request in the help desk": "Ouvrir la demande dans le service d'assistance",
        "The hub asked the city for more information": "Le hub a demandé des informations à la ville",
    },
    "ar": {
        "Hello %(name)s,": "مرحبًا %(name)s،",
        "Open the request in the help desk:": "افتح الطلب في مكتب المساعدة:",
        "Open the request in the help desk": "افتح الطلب في مكتب المساعدة",
        "The hub asked the city for more information": "طلب المركز من المدينة مزيدًا من المعلومات",
    },
}
GREETING = {"en": "Hello", "fr": "Bonjour", "ar": "مرحبًا"}


@pytest.fixture
def catalogue(settings, tmp_path):
    for language, entries in CATALOGUE.items():
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
        for msgid, msgstr in entries.items():
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po.save_as_mofile(str(folder / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]  # Django drops its cached catalogues when this changes


@pytest.fixture
def content(world):
    request = world.request
    request.description = DESCRIPTION
    request.title = TITLE
    request.save(update_fields=["description", "title"])
    Message.objects.create(request=request, author=world.focal1, body=BODY, visibility=Visibility.CITY)
    return world


def notification_for(world, event: str, language: str, reason: str = Reason.CITY) -> Notification:
    recipient = world.focal1
    recipient.preferred_language = language
    recipient.save(update_fields=["preferred_language"])
    timed = event.startswith("deadline") or event in events.URGENT_EVENTS
    data = {"due_at": timezone.now().isoformat(), "state": "submitted"} if timed else {}
    if event in {events.MESSAGE_POSTED, events.MENTIONED}:
        data = {"message_id": Message.objects.get().pk, "visibility": "city"}
    return Notification.objects.create(
        recipient=recipient,
        request=world.request,
        event=event,
        reason=reason,
        channel=Channel.EMAIL,
        status=Status.PENDING,
        data=data,
    )


def parts(message) -> tuple[str, str, str]:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return message.subject, message.body, html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("event", EVENTS)
def test_every_email_names_the_request_and_links_to_it_without_its_content(content, catalogue, event, language):
    world = content
    message = render_email(notification_for(world, event, language))
    subject, text, html = parts(message)
    link = f"http://testserver.example/requests/{world.request.reference}/"

    for part in (subject, text, html):
        assert world.request.reference in part
        assert "MARKER" not in part
    for part in (text, html):
        # The incident fast track's alerts name the city instead of the title (an incident's may say too much).
        if event in events.URGENT_EVENTS:
            assert TITLE not in part and world.request.city.name in part
        else:
            assert TITLE in part
        assert GREETING[language] in part
        assert link in part
    assert message.to == [world.focal1.email]
    assert message.extra_headers["Content-Language"] == language
    assert f'lang="{language}"' in html
    assert ('dir="rtl"' in html) is (language == "ar")
    assert "{%" not in text + html and "{{" not in text + html


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver.example"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_subject_speaks_the_recipients_language(content, catalogue, language):
    subject = render_email(notification_for(content, "request_info", language)).subject

    assert subject.endswith(
        CATALOGUE.get(language, {}).get("The hub asked the city for more information", "more information")
    )


def test_a_restricted_requests_title_is_withheld(content):
    content.request.sensitivity = Sensitivity.RESTRICTED
    content.request.save(update_fields=["sensitivity"])

    subject, text, html = parts(render_email(notification_for(content, "decline", "en")))

    assert TITLE not in subject + text + html
    assert "title withheld" in text and "title withheld" in html


@pytest.mark.parametrize(
    ("reason", "expected"),
    [(Reason.CITY, "please answer the hub"), (Reason.WATCHER, "No action is needed from you")],
)
def test_what_is_expected_depends_on_why_the_reader_is_told(content, reason, expected):
    _subject, text, _html = parts(render_email(notification_for(content, "request_info", "en", reason)))

    assert expected.lower() in text.lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_digest_lists_references_and_links_without_content(content, catalogue, language):
    world = content
    digest = notification_for(world, events.DIGEST, language, Reason.DIGEST)
    digest.request = None
    digest.save(update_fields=["request"])
    items = [notification_for(world, event, language) for event in ("submit", "request_info", "message_posted")]

    subject, text, html = parts(render_email(digest, items))

    assert "3" in subject
    for part in (text, html):
        assert part.count(f"/requests/{world.request.reference}/") == 3
        assert "MARKER" not in part
        assert GREETING[language] in part
    assert ('dir="rtl"' in html) is (language == "ar")


def test_the_in_app_entry_carries_no_content(content):
    shown = entry(notification_for(content, events.MESSAGE_POSTED, "en"), openable={content.request.pk})

    assert "MARKER" not in repr(shown)
    assert shown.reference == content.request.reference and shown.title == TITLE


def test_every_attempt_carries_the_same_message_id(content):
    notification = notification_for(content, "submit", "en")

    first, second = render_email(notification), render_email(notification)

    assert (
        first.extra_headers["Message-ID"]
        == second.extra_headers["Message-ID"]
        == (f"<notification-{notification.pk}@testserver.example>")
    )


def test_an_expert_is_not_told_the_requests_state_which_their_brief_leaves_out(content):
    _subject, text, html = parts(render_email(notification_for(content, "expert_proposed", "en", Reason.EXPERT)))

    assert "Current step" not in text + html
    assert TITLE in text


def test_an_anonymised_request_shows_no_title(content):
    content.request.anonymised_at = timezone.now()
    content.request.save(update_fields=["anonymised_at"])

    _subject, text, html = parts(render_email(notification_for(content, "auto_close", "en")))

    assert TITLE not in text + html and "Anonymised request" in text


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_projects_catalogues_translate_every_email(content, language):
    english = {event: str(events.label(event)) for event in EVENTS}

    for event in EVENTS:
        subject, text, _html = parts(render_email(notification_for(content, event, language)))
        assert english[event] not in subject, (event, language)
        assert "Open the request in the help desk" not in text, (event, language)


def test_an_email_sent_after_the_request_moved_on_does_not_ask_for_what_is_done(content):
    notification = notification_for(content, "request_info", "en")
    notification.data = {"state": "info_requested"}
    notification.save(update_fields=["data"])

    _subject, text, html = parts(render_email(notification))

    assert "moved on since" in text and "moved on since" in html
    assert "please answer the hub" not in text.lower()


def test_every_event_has_its_words_and_its_own_template():
    for event in [*LIFECYCLE_EVENTS, *events.LABELS]:
        assert events.label(event) != events.FALLBACK_LABEL, event
        if event != events.DIGEST:  # the digest has a layout of its own: notifications/email/digest.*
            assert get_template(events.template(event)), event
