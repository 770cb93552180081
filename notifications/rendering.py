"""Turning a notification row into words, in the recipient's language, without the request's content.

Each event has one content template, ``notifications/email/events/<event>.txt`` (what happened, what is
expected of the reader), rendered into two layouts: ``layout.txt`` (the plain-text part) and
``layout.html`` (the HTML alternative, right-to-left in Arabic). What reaches the page is the reference, the
title (a placeholder when the request is restricted), the event, the expectation and a link: never the
description, a message body or an attachment.

An e-mail about one request, to someone who may write on it, is answerable: its Reply-To is that person's
address for that request (``notifications.inbound.tokens.reply_address``), and one sentence says on which
channel a reply lands (``helpdesk.access.mail_reply_channel``, the one the reply gateway uses too). A digest
(several requests) and an account notice have no Reply-To. Every e-mail carries ``desk_mail_headers()``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.access import is_focal_point_of, mail_reply_channel, sees_brief_only
from helpdesk.models import Sensitivity, SupportRequest, User, Visibility
from helpdesk.placeholders import ANONYMISED_TITLE, WITHHELD_TITLE
from helpdesk.selectors.people import time_zone_of
from notifications import events, selectors
from notifications.inbound.tokens import reply_address
from notifications.models import Notification, Reason
from notifications.outgoing import desk_mail_headers

DIGEST_MAX_ITEMS = 100


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def language_of(user: User) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    return user.preferred_language if user.preferred_language in supported else settings.LANGUAGE_CODE


def request_title(request: SupportRequest) -> str:
    """The title, or a placeholder for a restricted request: its title may itself be sensitive."""
    if request.anonymised_at is not None:
        return str(ANONYMISED_TITLE)
    if request.sensitivity == Sensitivity.RESTRICTED:
        return str(WITHHELD_TITLE)
    return request.title


# What an answerable e-mail says about replying, by where the reply lands: one sentence, never the content. The
# city channel reads "shared with the hub" to a city's focal point and "shared with the city" to the hub.
REPLY_NOTES: dict[str, Promise] = {
    "city_to_hub": _(
        "Reply to this e-mail to add your answer to the request as a message shared with the hub; quoted text "
        "and signatures are left out."
    ),
    "city_from_hub": _(
        "Reply to this e-mail to add your answer to the request as a message shared with the city; quoted text "
        "and signatures are left out."
    ),
    Visibility.INTERNAL: _(
        "Reply to this e-mail to add your answer to the request as an internal note; quoted text and signatures "
        "are left out."
    ),
    Visibility.EXPERT: _(
        "Reply to this e-mail to add your answer to the request as a message to the hub on the expert channel; "
        "quoted text and signatures are left out."
    ),
}


def reply_to(recipient: User, request: SupportRequest | None) -> tuple[str, Promise] | None:
    """The Reply-To address of an e-mail about ``request`` to ``recipient`` and the sentence that explains it;
    None when replies by e-mail are off or the recipient may write on no channel of the request."""
    if request is None:
        return None
    channel = mail_reply_channel(recipient, request)
    if channel is None:
        return None
    address = reply_address(user_id=recipient.pk, request_id=request.pk)
    if address is None:
        return None
    if channel == Visibility.CITY:
        key = "city_to_hub" if is_focal_point_of(recipient, request) else "city_from_hub"
    else:
        key = channel
    return address, REPLY_NOTES[key]


def _city(notification: Notification, request: SupportRequest) -> str:
    """The request's city, named by the incident fast track's alerts (which name no title): for whoever may know
    it, never to an expert reading the brief of a city anonymous to experts."""
    if notification.event not in events.URGENT_EVENTS:
        return ""
    if sees_brief_only(notification.recipient, request) and request.city.anonymous_to_experts:
        return ""
    return request.city.name


def _due_at(notification: Notification) -> datetime | None:
    raw = notification.data.get("due_at")
    return parse_datetime(raw) if isinstance(raw, str) else None


def _elsewhere(notification: Notification) -> str:
    """Where a notification about no request leads: a peer introduction told to the peer city (which cannot see
    the request) to the introduction; a resource's to the list where it waits; a handover or a vetting decision to
    the page it changed (``events.EVENT_PAGES``); any other to the notifications."""
    introduction = notification.data.get("introduction")
    if isinstance(introduction, int):
        return reverse("introduction-detail", args=[introduction])
    if notification.event in (events.RESOURCE_SUBMITTED, events.RESOURCE_RETURNED):
        return reverse("resource-list") + "?show=unpublished"
    if notification.event == events.RESOURCE_PUBLISHED:
        return reverse("resource-list")
    if notification.event in events.EVENT_PAGES:
        return reverse(events.EVENT_PAGES[notification.event])
    return reverse("notifications:list")


def _request_link(notification: Notification, request: SupportRequest) -> str:
    """The request page; for a reply by e-mail held for its sender, with the message form holding it."""
    held = notification.data.get("held")
    if notification.event == events.REPLY_HELD and isinstance(held, int):
        return f"{request.get_absolute_url()}?held={held}#messages"
    return request.get_absolute_url()


def item_context(notification: Notification, openable: Collection[int] | None = None) -> dict[str, Any]:
    """What any rendering of one row may show (call inside the recipient's language). ``openable``: the ids of
    the requests the recipient may still open; of any other, nothing is named (access ended)."""
    request = notification.request
    access_ended = request is not None and openable is not None and request.pk not in openable
    if access_ended:
        request = None
    return {
        "access_ended": access_ended,
        "event": notification.event,
        "reason": notification.reason,
        "reason_label": Reason(notification.reason).label if notification.reason in Reason.values else "",
        "label": events.label(notification.event),
        "reference": request.reference if request else "",
        # The incident fast track's alerts carry no title (an incident's may name it): the reference and the city.
        "title": request_title(request) if request and notification.event not in events.URGENT_EVENTS else "",
        "city": _city(notification, request) if request else "",
        # An expert's brief leaves the request's state out; so does what they are told.
        "state": request.get_state_display()
        if request and notification.reason not in (Reason.EXPERT, Reason.RELEASED)
        else "",
        # A resource's row names it by id only (its address is made from its title): its e-mail leads to the
        # request it was drawn from, or to the list where it waits; the desk's entry opens the resource itself.
        "link": absolute_url(_request_link(notification, request) if request else _elsewhere(notification)),
        "due_at": _due_at(notification),
        # Sent later (a retry, a digest) the request may have moved on: what was expected may be moot.
        "moved_on": bool(request and notification.data.get("state") not in (None, request.state)),
        "created_at": notification.created_at,
    }


def _tidy(text: str) -> str:
    """Template tags leave blank lines and indentation behind; a plain-text e-mail should not show them."""
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _message_id(notification: Notification) -> str:
    # The same Message-ID on every attempt, so a receiver can drop a copy of a resent e-mail.
    domain = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"<notification-{notification.pk}@{domain}>"


def subject_for(notification: Notification, items: Sequence[Notification] = (), *, access_ended: bool = False) -> str:
    if notification.event == events.DIGEST:
        return gettext("Your daily summary from the help desk: %(count)s updates") % {"count": len(items)}
    if access_ended or notification.request is None:
        return str(events.label(notification.event))
    return f"[{notification.request.reference}] {events.label(notification.event)}"


def render_email(notification: Notification, items: Sequence[Notification] = ()) -> EmailMultiAlternatives:
    """The e-mail for one row (``items``: the rows a digest gathers), in the recipient's language."""
    recipient = notification.recipient
    language = language_of(recipient)
    # Asked when the e-mail is written, not when the row was: access may have ended in between.
    openable = selectors.openable_request_ids(recipient, [n.request_id for n in (notification, *items)])
    access_ended = notification.request_id is not None and notification.request_id not in openable
    # Dates and times in the recipient's own zone, as their pages show them (a deadline "passed on…").
    zone = time_zone_of(recipient) or settings.TIME_ZONE
    with translation.override(language), timezone.override(zone):
        subject = subject_for(notification, items, access_ended=access_ended)
        name = recipient.get_full_name() or recipient.username
        context = {
            "recipient_name": name,
            # The HTML e-mail isolates the name: an Arabic name in an English greeting, or the other way.
            "recipient_bdi": format_html("<bdi>{}</bdi>", name),
            "language": language,
            "rtl": translation.get_language_bidi(),
            "centre_link": absolute_url(reverse("notifications:list")),
            "subject": subject,
            # Deadlines in hours are written with their time, in the recipient's zone (the desk's by default).
            "time_zone": recipient.time_zone or settings.TIME_ZONE,
        }
        # A digest gathers several requests: a reply to it would not know which one it answers. A resource's
        # consent is asked about the resource (its request is only where it came from) and is given on the page:
        # a "yes" by e-mail would become a message on the request, not the city's consent.
        unanswerable = notification.event == events.DIGEST or notification.event in events.CONSENT_EVENTS
        answerable = None if unanswerable or access_ended else reply_to(recipient, notification.request)
        context["reply_note"] = answerable[1] if answerable else ""
        if notification.event == events.DIGEST:
            context["items"] = [item_context(item, openable) for item in items[:DIGEST_MAX_ITEMS]]
            context["total"] = len(items)
            context["more"] = max(0, len(items) - DIGEST_MAX_ITEMS)
            text = render_to_string("notifications/email/digest.txt", context)
            html = render_to_string("notifications/email/digest.html", context)
        else:
            context.update(item_context(notification, openable))
            names = [events.template(notification.event), events.GENERIC_TEMPLATE]
            text = render_to_string(names, {**context, "layout": "notifications/email/layout.txt"})
            html = render_to_string(names, {**context, "layout": "notifications/email/layout.html"})
        message = EmailMultiAlternatives(
            subject=subject,
            body=_tidy(text),
            to=[recipient.email],
            reply_to=[answerable[0]] if answerable else None,
            headers={
                **desk_mail_headers(),
                "Message-ID": _message_id(notification),
                "Content-Language": language,
            },
        )
        message.attach_alternative(html, "text/html")
    return message
