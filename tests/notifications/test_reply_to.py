"""Reply-To on the desk's e-mails: a per-person, per-request address on an e-mail about one request to someone who
may write on it, a sentence saying where the reply lands, and the loop headers on every e-mail the desk sends."""

from __future__ import annotations

import polib
import pytest
from django.utils import timezone

from helpdesk.models import NotificationMode, RequestState, Visibility
from notifications import events
from notifications.inbound.tokens import LOOP_HEADER, loop_value, reply_token_read, token_in_address
from notifications.models import Channel, Notification, Reason, Status
from notifications.rendering import REPLY_NOTES, render_email
from notifications.services import account_notice_send, digest_send, notifications_record_event, password_reset_send
from tests.factories import SupportRequestFactory
from tests.notification_world import make_world
from workflows.services import transition_perform

DOMAIN = "reply.example.org"
DESCRIPTION = "DESCRIPTION-MARKER the city's own account"
# The sentences, as /work/tr/mail-out.json gives them to the project's catalogues; here in a catalogue of the
# test's own, so the language is checked whatever state the project's catalogues are in.
NOTES = {
    "city_to_hub": {
        "fr": "Répondez à ce courriel pour ajouter votre réponse à la demande, en message partagé avec le pôle ; "
        "le texte cité et les signatures sont retirés.",
        "ar": "ردّ على هذا البريد الإلكتروني لإضافة جوابك إلى الطلب كرسالة مشتركة مع المركز؛ "
        "يُحذف النص المقتبس والتوقيعات.",
    },
    "city_from_hub": {
        "fr": "Répondez à ce courriel pour ajouter votre réponse à la demande, en message partagé avec la ville ; "
        "le texte cité et les signatures sont retirés.",
        "ar": "ردّ على هذا البريد الإلكتروني لإضافة جوابك إلى الطلب كرسالة مشتركة مع المدينة؛ "
        "يُحذف النص المقتبس والتوقيعات.",
    },
    Visibility.INTERNAL: {
        "fr": "Répondez à ce courriel pour ajouter votre réponse à la demande, en note interne ; le texte cité et "
        "les signatures sont retirés.",
        "ar": "ردّ على هذا البريد الإلكتروني لإضافة جوابك إلى الطلب كملاحظة داخلية؛ يُحذف النص المقتبس والتوقيعات.",
    },
    Visibility.EXPERT: {
        "fr": "Répondez à ce courriel pour ajouter votre réponse à la demande, en message au pôle sur le canal des "
        "experts ; le texte cité et les signatures sont retirés.",
        "ar": "ردّ على هذا البريد الإلكتروني لإضافة جوابك إلى الطلب كرسالة إلى المركز على قناة الخبراء؛ "
        "يُحذف النص المقتبس والتوقيعات.",
    },
}


@pytest.fixture(autouse=True)
def _replies_on(settings):
    settings.REPLY_EMAIL_DOMAIN = DOMAIN
    settings.REPLY_EMAIL_PREFIX = "reply"


@pytest.fixture
def catalogue(settings, tmp_path):
    for language in ("fr", "ar"):
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
        for key, translations in NOTES.items():
            po.append(polib.POEntry(msgid=str(REPLY_NOTES[key]), msgstr=translations[language]))
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po.save_as_mofile(str(folder / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]


def row(world, recipient, event: str = "request_info", request=None, reason: str = Reason.CITY) -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        request=request or world.request,
        event=event,
        reason=reason,
        channel=Channel.EMAIL,
        status=Status.PENDING,
        data={},
    )


def bound_to(message) -> tuple[int, int]:
    """The (person, request) the e-mail's Reply-To names, read back as the reply gateway reads it."""
    (address,) = message.reply_to
    token = token_in_address(address)
    assert token is not None and address.startswith("reply+") and address.endswith(f"@{DOMAIN}")
    read = reply_token_read(token)
    return read.user_id, read.request_id


def assert_loop_headers(message) -> None:
    headers = message.message()  # the headers as they go on the wire
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["X-Auto-Response-Suppress"] == "All"
    assert headers[LOOP_HEADER] == loop_value()


def test_the_reply_address_names_the_recipient_and_the_request(world):
    message = render_email(row(world, world.focal1))
    assert bound_to(message) == (world.focal1.pk, world.request.pk)
    assert message.message()["Reply-To"] == message.reply_to[0]
    assert_loop_headers(message)
    assert str(REPLY_NOTES["city_to_hub"]) in message.body
    assert str(REPLY_NOTES["city_to_hub"]) in message.alternatives[0][0]


def test_a_move_that_tells_several_people_gives_each_their_own_address(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transition_perform(
            request=world.request, transition="request_info", actor=world.owner, data={"question": "<p>Why?</p>"}
        )
    by_address = {message.to[0]: message for message in mailoutbox}
    told = {world.focal1, world.focal2, world.mu2}  # the city's focal points and the watcher
    assert set(by_address) == {person.email for person in told}
    for person in told:
        assert bound_to(by_address[person.email]) == (person.pk, world.request.pk)
        assert_loop_headers(by_address[person.email])
    assert len({message.reply_to[0] for message in mailoutbox}) == len(told)
    # The city's reply is shared with the hub; the management unit's is an internal note unless they chose.
    assert str(REPLY_NOTES["city_to_hub"]) in by_address[world.focal1.email].body
    assert str(REPLY_NOTES[Visibility.INTERNAL]) in by_address[world.mu2.email].body


@pytest.mark.parametrize(
    ("who", "choice", "note"),
    [
        ("focal1", None, "city_to_hub"),
        ("owner", None, Visibility.INTERNAL),
        ("owner", Visibility.CITY, "city_from_hub"),
        ("mu1", Visibility.CITY, "city_from_hub"),
        ("accepted", None, Visibility.EXPERT),
    ],
)
def test_the_sentence_names_the_channel_the_reply_lands_on(world, who, choice, note):
    person = getattr(world, who)
    if choice:
        person.mail_reply_visibility = choice
        person.save(update_fields=["mail_reply_visibility"])
    message = render_email(row(world, person))
    assert bound_to(message) == (person.pk, world.request.pk)
    notes = [key for key, sentence in REPLY_NOTES.items() if str(sentence) in message.body]
    assert notes == [note]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_sentence_in_the_recipients_language(world, catalogue, language):
    world.request.description = DESCRIPTION
    world.request.save(update_fields=["description"])
    for person, key in [(world.focal1, "city_to_hub"), (world.owner, Visibility.INTERNAL)]:
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
        message = render_email(row(world, person))
        html = message.alternatives[0][0]
        assert NOTES[key][language] in message.body and NOTES[key][language] in html
        assert str(REPLY_NOTES[key]) not in message.body  # not the English one beside it
        assert DESCRIPTION not in message.body + html  # still never the request's content
        assert ('dir="rtl"' in html) == (language == "ar")


def test_no_reply_address_when_replies_by_email_are_off(world, settings):
    settings.REPLY_EMAIL_DOMAIN = ""
    notification = row(world, world.focal1)
    message = render_email(notification)
    assert message.reply_to == []
    assert "Reply-To" not in message.message()
    assert not any(str(sentence) in message.body for sentence in REPLY_NOTES.values())
    assert_loop_headers(message)


def test_no_reply_address_for_someone_who_may_not_write_on_the_request(world):
    # An expert who declined lost access; a request anonymised by retention takes no more messages.
    message = render_email(row(world, world.declined, reason=Reason.EXPERT))
    assert message.reply_to == []
    assert_loop_headers(message)

    world.request.anonymised_at = timezone.now()
    world.request.save(update_fields=["anonymised_at"])
    for person in (world.focal1, world.owner):
        message = render_email(row(world, person))
        assert message.reply_to == [], person.username
        assert not any(str(sentence) in message.body for sentence in REPLY_NOTES.values())


def test_no_reply_address_on_a_draft_the_hub_cannot_read(db):
    draft = make_world(RequestState.DRAFT, suffix="-draft", assignments=False)
    assert render_email(row(draft, draft.owner)).reply_to == []
    assert bound_to(render_email(row(draft, draft.focal1))) == (draft.focal1.pk, draft.request.pk)


def test_a_digest_gathers_several_requests_and_has_no_reply_address(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    second = SupportRequestFactory(city=world.request.city, state=RequestState.SUBMITTED, owner=world.owner)
    world.focal1.notification_mode = NotificationMode.DIGEST
    world.focal1.save(update_fields=["notification_mode"])
    with django_capture_on_commit_callbacks(execute=True):
        notifications_record_event(event="request_info", request=world.request, actor=world.owner)
        notifications_record_event(event="request_info", request=second, actor=world.owner)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digest_send()
    (digest,) = [message for message in mailoutbox if message.to == [world.focal1.email]]
    assert Notification.objects.get(recipient=world.focal1, event=events.DIGEST).items.count() == 2
    assert digest.reply_to == []
    assert not any(str(sentence) in digest.body for sentence in REPLY_NOTES.values())
    assert_loop_headers(digest)


@pytest.mark.parametrize("event", sorted(events.CONSENT_EVENTS))
def test_a_resources_consent_is_given_on_the_page_not_by_replying(world, event):
    # The row names the request the resource was drawn from; the e-mail is about the resource.
    message = render_email(row(world, world.focal1, event=event))
    assert message.reply_to == []
    assert not any(str(sentence) in message.body for sentence in REPLY_NOTES.values())
    assert_loop_headers(message)


def test_account_emails_have_no_reply_address_and_carry_the_loop_headers(world, mailoutbox):
    assert account_notice_send(user_id=world.owner.pk, notice="password_changed", address=world.owner.email)
    assert password_reset_send(email=world.focal1.email) == 1
    notice, reset = mailoutbox
    for message in (notice, reset):
        assert message.reply_to == []
        assert_loop_headers(message)
    assert reset.message()["Content-Language"] == "en" and "/accounts/reset/" in reset.body
