"""The hub introduces a city that asked for a peer exchange to another city (``introduce_peer``).

The peer city must be a member other than the asking city, open to peer exchange on the request's theme, and
not introduced on this request before. The introduction waits for both cities' focal points
(``workflows.peers.introduction_answer``); the peer city is told now, without the request (it may not see it).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpdesk.models import City, SupportRequest
from workflows.errors import TransitionRefused
from workflows.models import PeerIntroduction
from workflows.moves.base import Move
from workflows.signals import introduction_event

INTRODUCTION_PROPOSED = "introduction_proposed"


def _refuse(move: Move, message: str, code: str) -> TransitionRefused:
    return TransitionRefused(message, code=code, transition=move.spec.name, fields={"peer_city": message})


def introduce_peer(request: SupportRequest, move: Move) -> None:
    peer_id: int = move.data["peer_city"]
    peer = City.objects.filter(pk=peer_id, is_member=True).only("pk", "peer_contact_themes").first()
    if peer is None or peer.pk == request.city_id or request.theme not in (peer.peer_contact_themes or []):
        raise _refuse(move, _("This city is not open to a peer exchange on the request's theme."), "peer_unavailable")
    if any(i.peer_city_id == peer.pk for i in move.facts.introductions):
        raise _refuse(move, _("This city was already proposed for this request."), "already_proposed")
    introduction = PeerIntroduction.objects.create(
        request=request,
        peer_city=peer,
        note=move.data.get("note", ""),
        proposed_by=move.actor,
        proposed_at=move.now,
    )
    move.record.update(introduction=introduction.pk, peer_city=peer.pk)
    introduction_event.send(
        sender=PeerIntroduction, event=INTRODUCTION_PROPOSED, introduction=introduction, actor=move.actor
    )
