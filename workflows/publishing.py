""" "Publish what was learned": a draft resource started from a closed request by its hub's staff.

What the draft may carry is narrow on purpose. Its title, summary and text come from the request's *shareable
summary* only (the brief experts read: no names, contact details or incident details), with anything the
screening still finds in it taken out, and from its outcomes (the key indicators planned and the values reached,
confirmed and kept). Never the description, restricted content, messages, files or names of people. The draft is
then the hub's to edit; the resource services clean and screen whatever is saved, and the city's focal points
are asked for their consent (``helpdesk.services.resource_consent_ask``) in the same transaction.

This sits in ``workflows`` because the outcomes are the lifecycle's; the resource itself is the domain's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from helpdesk.access import can
from helpdesk.models import (
    Resource,
    ResourceKind,
    StrategicPriority,
    SupportRequest,
    Theme,
    User,
    localized_name,
)
from helpdesk.sanitize import clean_text
from helpdesk.screening import scan
from helpdesk.services import city_named_in, resource_consent_ask, resource_create, resource_log
from helpdesk.services.resource_sources import CITY_NAMED_ERROR
from workflows.models import FollowUp
from workflows.selectors import follow_up_values, outcome_targets

TITLE_MAX = 120
REDACTED = "[…]"

ValueWriter = Callable[[str, Decimal | None], str]


def _plain_value(unit: str, value: Decimal | None) -> str:
    return "—" if value is None else format(value.normalize(), "f")


@dataclass(frozen=True)
class OutcomeLine:
    """One key indicator the support aimed to move, and the values it reached."""

    indicator: str  # its name in the request's language
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    delivered: Decimal | None
    confirmed: Decimal | None
    sustained: Decimal | None  # the latest value a follow-up found


@dataclass(frozen=True)
class Prefill:
    """The draft a hub starts from: the values of the page's fields before anyone edits them."""

    kind: str
    language: str
    title: str
    summary: str
    themes: list[str]
    priorities: list[int]
    outcomes: list[OutcomeLine] = field(default_factory=list)

    def body(self, write_value: ValueWriter = _plain_value) -> str:
        """The text in Markdown, in the request's language: what was done (the summary) and the outcomes."""
        with translation.override(self.language):
            # Headings are not part of the desk's Markdown ("#" starts a sentence): the parts are named in bold.
            parts = [f"**{_('What was done')}**", "", self.summary or "—"]
            if self.outcomes:
                parts += ["", f"**{_('Outcomes')}**", ""]
                for line in self.outcomes:
                    parts.append(
                        "- **{name}**: {planned}; {delivered}; {confirmed}; {sustained}".format(
                            name=_escape(line.indicator),
                            planned=_("planned %(target)s (from %(baseline)s)")
                            % {
                                "target": write_value(line.unit, line.target),
                                "baseline": write_value(line.unit, line.baseline),
                            },
                            delivered=_("reached at delivery: %(value)s")
                            % {"value": write_value(line.unit, line.delivered)},
                            confirmed=_("confirmed by the city: %(value)s")
                            % {"value": write_value(line.unit, line.confirmed)},
                            sustained=_("still there at the follow-up: %(value)s")
                            % {"value": write_value(line.unit, line.sustained)},
                        )
                    )
            return "\n".join(parts)


def _escape(text: str) -> str:
    """An indicator's name as literal Markdown (no emphasis or link from its punctuation)."""
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


def redact_personal_data(text: str) -> str:
    """``text`` with whatever the screening finds (a phone number, an e-mail address…) replaced by "[…]"."""
    for finding in reversed(scan(text)):
        text = text[: finding.start] + REDACTED + text[finding.end :]
    return text


def _title_from(summary: str, fallback: str) -> str:
    """The summary's first sentence, cut at a word within ``TITLE_MAX`` characters."""
    first = re.split(r"(?<=[.!?؟])\s", summary.strip(), maxsplit=1)[0].strip() if summary.strip() else ""
    if not first:
        return fallback
    if len(first) > TITLE_MAX:
        first = first[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first


def _sustained(request: SupportRequest) -> dict[int, Decimal]:
    """The latest value each indicator had at an answered follow-up, by indicator id."""
    found: dict[int, Decimal] = {}
    for follow_up in follow_up_values(request):
        if follow_up.status == FollowUp.Status.ANSWERED:
            found.update(follow_up.values)
    return found


def resource_from_request_prefill(request: SupportRequest) -> Prefill:
    """What the draft starts with (reads only: the planned outcomes and the follow-ups, two queries)."""
    summary = redact_personal_data(clean_text(request.summary or ""))
    language = request.language
    with translation.override(language):
        fallback = _("What we learned: %(theme)s") % {"theme": Theme(request.theme).label}
    sustained = _sustained(request)
    outcomes = [
        OutcomeLine(
            indicator=localized_name(
                target.indicator.name, target.indicator.name_fr, target.indicator.name_ar, language=language
            ),
            unit=target.indicator.unit,
            baseline=target.baseline,
            target=target.target,
            delivered=getattr(target, "delivered_value", None),
            confirmed=getattr(target, "confirmed_value", None),
            sustained=sustained.get(target.indicator.pk),
        )
        for target in outcome_targets(request)
    ]
    priority = request.strategic_priority
    return Prefill(
        kind=ResourceKind.PRACTICE,
        language=language,
        title=_title_from(summary, fallback),
        summary=summary[:1000],
        themes=[request.theme] if request.theme in Theme.values else [],
        priorities=[priority] if priority in StrategicPriority.values else [],
        outcomes=outcomes,
    )


def resource_from_request_start(
    *,
    request: SupportRequest,
    actor: User,
    kind: str,
    language: str,
    title: str,
    summary: str,
    body: str,
    themes: Iterable[str] = (),
    priorities: Iterable[int] = (),
) -> Resource:
    """Start the draft resource drawn from the closed ``request``: written by ``actor`` (hub staff of its
    region), in the request's hub, about its city, and the city's focal points asked for their consent.

    ``body`` is the HTML of what was typed (``helpdesk.sanitize.markdown_html``); the texts are cleaned and
    screened by ``resource_create`` (personal data refused). Until the city chooses to be named, no text may
    name it (``ValidationError`` code ``city_named``, on the field ``title``, ``summary`` or ``body``).
    """
    if not can(actor, "publish_from_request", request):
        raise PermissionDenied("This person may not publish from this request.")
    named = {
        name: text
        for name, text in (("title", title), ("summary", summary), ("body", body))
        if city_named_in(request.city, [text])
    }
    if named:
        raise ValidationError({name: ValidationError(CITY_NAMED_ERROR, code="city_named") for name in named})
    with transaction.atomic():
        resource = resource_create(
            actor=actor,
            kind=kind,
            language=language,
            title=title,
            summary=summary,
            body=body,
            themes=themes,
            priorities=priorities,
            region=request.region,
            city=request.city,
        )
        resource.source_request = request
        resource.save(update_fields=["source_request", "updated_at"])
        resource_log(resource=resource, actor=actor, action="drawn_from_request", data={"request": request.pk})
        resource_consent_ask(resource=resource, actor=actor)
    return resource
