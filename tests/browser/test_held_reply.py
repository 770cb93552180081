"""A reply by e-mail held back by the personal-data check, as its sender finds it: the link of the e-mail opens the
request page with the message form holding their text and file and the warning on the text; they confirm and
send it. On a phone and a desktop, in English, French and Arabic (nothing wider than the screen, no serious or
critical axe-core finding, no Content-Security-Policy error). Screenshots: test-artifacts/screenshots/held-reply-*."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings

from helpdesk.models import Message, RequestState, Sensitivity
from notifications.inbound.receive import mail_receive
from notifications.models import HeldReply
from tests.browser.people import Actor
from tests.factories import CityFactory, SupportRequestFactory, focal_point
from tests.helpdesk.upload_corpus import clean_pdf
from tests.notifications.inbound.conftest import reply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "The youth officer, Amal Haddad, can be reached on +254 712 345 678 after five."


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_focal_point_confirms_a_held_reply_on_the_page(chromium, live_server, artifacts, language):
    city = CityFactory(name="Mombasa")
    amina = focal_point(city, username="amina", first_name="Amina", last_name="Odhiambo", email="amina@city.example")
    request = SupportRequestFactory(
        city=city, title="Youth mentoring after the port attack", state=RequestState.SUBMITTED
    )
    with override_settings(REPLY_EMAIL_DOMAIN="reply.desk.example.org"):
        mail_receive(
            raw=reply(amina, request, TEXT, files=[("minutes.pdf", clean_pdf(), "application/pdf")]), via="pipe"
        )
    held = HeldReply.objects.get()
    problems: dict[str, Any] = {}
    actor = Actor(chromium, live_server.url, "amina", width=1366)
    actor.sign_in()
    actor.choose_language(language)
    actor.go(f"{request.get_absolute_url()}?held={held.pk}#messages")
    body = actor.page.locator("textarea[name=body]")
    assert body.input_value() == TEXT
    assert actor.page.locator("text=minutes.pdf").count() >= 1
    assert actor.page.locator("[aria-invalid=true][name=body]").count() == 1
    actor.look("held-reply", artifacts, problems, language)

    actor.page.locator("input[name=confirm_personal_data]").check()
    with actor.page.expect_navigation():
        actor.page.locator("form:has(textarea[name=body]) button.btn-primary[type=submit]").click()
    message = Message.objects.get()
    assert (message.author, message.sensitivity) == (amina, Sensitivity.RESTRICTED)
    assert message.attachments.get().original_name == "minutes.pdf"
    assert not HeldReply.objects.exists()
    actor.look("held-reply-sent", artifacts, problems, language)
    actor.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
