"""A city's consent to peer exchange: the themes on which another city may contact it, chosen by its focal
point, each change recorded in ``CityPeerConsentLog`` (who, when, before and after) in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import City, CityPeerConsentLog, Theme, User


def city_peer_contact_set(*, city: City, actor: User, themes: Iterable[str]) -> City:
    """Set the themes on which ``city`` may be contacted for a peer exchange (empty: not at all); the order
    is the catalogue's. Records the change (nothing when the choice is the same). Raises ``PermissionDenied``
    for anyone but the city's focal points and ``ValidationError`` for a theme outside the catalogue."""
    if not can(actor, "set_peer_contact", city):
        raise PermissionDenied
    wanted = set(themes)
    unknown = wanted - set(Theme.values)
    if unknown:
        raise ValidationError({"themes": _("Choose themes from the list.")})
    chosen = [theme for theme in Theme.values if theme in wanted]
    with transaction.atomic():
        locked = City.objects.select_for_update().only("pk", "peer_contact_themes").get(pk=city.pk)
        before = list(locked.peer_contact_themes or [])
        if before != chosen:
            locked.peer_contact_themes = chosen
            locked.save(update_fields=["peer_contact_themes"])
            CityPeerConsentLog.objects.create(
                city_id=city.pk, actor=actor, themes_before=before, themes=chosen, created_at=timezone.now()
            )
    city.peer_contact_themes = chosen
    return city
