"""A resource drawn from a city's experience: the city's consent (asked of its focal points, answered by them:
named, anonymous or refused) and the rule that keeps an anonymous city anonymous.

A city that has not chosen to be named (it asked for anonymity, has not answered, or is anonymous to experts
and did not answer "named") is named nowhere readers look: not in a version's title, summary or text
(``city_named_in`` finds its name; writing or publishing such text is refused), and its ``city`` is shown to
readers only when ``city_named``. The draft itself is started from the closed request by
``workflows.publishing`` (it reads the lifecycle's outcomes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import City, Consent, Resource, ResourceLog, ResourceState, User
from helpdesk.signals import resource_consent

ANSWERS = frozenset({Consent.NAMED, Consent.ANONYMOUS, Consent.REFUSED})

CITY_NAMED_ERROR = _(
    "This text names the city, which has not chosen to be named: take its name out (write “a member city”)."
)


def city_named_in(city: City | None, texts: Iterable[str]) -> bool:
    """Does any of ``texts`` (plain or HTML) name ``city``? A whole-word match of its name, any case."""
    if city is None or not city.name.strip():
        return False
    pattern = re.compile(rf"(?<!\w){re.escape(city.name.strip())}(?!\w)", re.IGNORECASE)
    return any(pattern.search(strip_tags(text or "")) for text in texts)


def city_stays_anonymous(resource: Resource) -> bool:
    """The resource tells of a city's experience that others wrote up (its consent was asked, or it is drawn
    from its request) and the city has not chosen to be named: it asked for anonymity, has not answered yet, or
    refused. A city anonymous to experts is one of these until it answers "named" itself. A resource a city's
    own focal point wrote about their city (no consent needed) is theirs to name it in."""
    if resource.city_id is None or resource.city_named:
        return False
    return resource.consent != Consent.NOT_NEEDED or resource.source_request_id is not None


def resource_anonymity_check(*, resource: Resource, texts: Iterable[str] | None = None) -> None:
    """Refuse ``texts`` (by default every language version of ``resource``) if they name a city that stays
    anonymous. Raises ``ValidationError`` (code ``city_named``)."""
    if not city_stays_anonymous(resource):
        return
    if texts is None:
        texts = [part for v in resource.versions.all() for part in (v.title, v.summary, v.body)]
    if city_named_in(resource.city, texts):
        raise ValidationError(CITY_NAMED_ERROR, code="city_named")


def resource_consent_ask(*, resource: Resource, actor: User) -> Resource:
    """Ask the resource's city whether it may be published, named or not: its focal points are told."""
    if resource.city_id is None or not can(actor, "edit_resource", resource):
        raise PermissionDenied("This person may not ask for consent on this resource.")
    if resource.state == ResourceState.PUBLISHED or resource.consent == Consent.ASKED:
        raise ValidationError(_("The city has already been asked."), code="invalid")
    with transaction.atomic():
        before = resource.consent
        resource.consent = Consent.ASKED
        resource.consent_by = None
        resource.consent_at = None
        resource.city_named = False
        resource.save(update_fields=["consent", "consent_by", "consent_at", "city_named", "updated_at"])
        _log(resource, actor, "consent_asked", {"before": before})
        resource_consent.send(sender=Resource, resource=resource, actor=actor, step="asked")
    return resource


def resource_consent_answer(*, resource: Resource, actor: User, answer: str) -> Resource:
    """The city's focal point answers: publish naming the city, publish without naming it, or do not publish.
    The resource's author is told."""
    if not can(actor, "answer_consent", resource):
        raise PermissionDenied("This person may not answer for this city.")
    if answer not in ANSWERS:
        raise ValidationError(_("Choose one of the answers."), code="invalid")
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        if locked.consent != Consent.ASKED:
            raise ValidationError(_("This has already been answered."), code="answered")
        resource.consent = answer
        resource.consent_by = actor
        resource.consent_at = timezone.now()
        resource.city_named = answer == Consent.NAMED
        resource.save(update_fields=["consent", "consent_by", "consent_at", "city_named", "updated_at"])
        _log(resource, actor, "consent_answered", {"answer": answer})
        resource_consent.send(sender=Resource, resource=resource, actor=actor, step="answered")
    return resource


def _log(resource: Resource, actor: User, action: str, data: dict[str, str]) -> None:
    # As ``resources.resource_log`` writes them (that module imports this one for the anonymity check).
    ResourceLog.objects.create(
        resource=resource, actor=actor, action=action, to_state=resource.state, data=data, created_at=timezone.now()
    )
