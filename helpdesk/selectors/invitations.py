"""Reads of invitations: the ones a person may manage (``can(user, "manage_invitation", …)`` in SQL), and where
each stands. A fixed number of queries whatever the number of rows."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from helpdesk.access import scope
from helpdesk.access_people import invitable_roles
from helpdesk.models import City, Invitation, InvitationStatus, Region, Role, User, role_label

_SELECTED = ("city__region", "region", "invited_by", "existing_user", "accepted_by")


def _status_q(status: str) -> Q:
    now = timezone.now()
    open_ = Q(accepted_at=None, revoked_at=None)
    return {
        InvitationStatus.PENDING: open_ & Q(expires_at__gt=now),
        InvitationStatus.EXPIRED: open_ & Q(expires_at__lte=now),
        InvitationStatus.ACCEPTED: Q(accepted_at__isnull=False),
        InvitationStatus.REVOKED: Q(accepted_at=None, revoked_at__isnull=False),
    }[InvitationStatus(status)]


def invitations_manageable(user: User, *, status: str = "") -> QuerySet[Invitation]:
    """The invitations ``user`` may resend or revoke (or could have, for answered ones): every one for the
    management unit, their hub's (its staff and its cities' focal points) for a hub lead, their own for anyone
    else who may invite. Pending first, then the most recent."""
    s = scope(user)
    rows = Invitation.objects.select_related(*_SELECTED)
    if not s.management:
        mine = Q(invited_by_id=user.pk)
        if s.hub_lead:
            mine |= Q(region_id=s.hub_region_id) | Q(city__region_id=s.hub_region_id)
        rows = rows.filter(mine)
    if status:
        rows = rows.filter(_status_q(status))
    pending = _status_q(InvitationStatus.PENDING)
    rank = Case(When(pending, then=Value(0)), default=Value(1), output_field=IntegerField())
    return rows.annotate(pending_first=rank).order_by("pending_first", "-created_at", "-id")


def invitation_of(user: User, pk: int) -> Invitation | None:
    """One invitation among those ``user`` may manage, or None (outside their reach: the page answers 404)."""
    return invitations_manageable(user).filter(pk=pk).first()


def invitable_cities(user: User) -> QuerySet[City]:
    """The cities ``user`` may invite a focal point for: every member city for the management unit, their hub's
    for a hub lead, none for anyone else."""
    s = scope(user)
    cities = City.objects.select_related("region").order_by("name")
    if s.management:
        return cities
    if s.hub_lead and s.hub_region_id is not None:
        return cities.filter(region_id=s.hub_region_id)
    return cities.none()


def invitable_regions(user: User) -> QuerySet[Region]:
    """The hubs ``user`` may invite staff into: every hub for the management unit, their own for a hub lead."""
    s = scope(user)
    regions = Region.objects.order_by("name")
    if s.management:
        return regions
    if s.hub_lead and s.hub_region_id is not None:
        return regions.filter(pk=s.hub_region_id)
    return regions.none()


def invitation_role_label(invitation: Invitation) -> str:
    """The role as a person reads it, in the active language (``role_label``: "Hub lead" for a lead)."""
    return role_label(invitation.role, hub_lead=invitation.is_hub_lead)


def invitation_scope_label(invitation: Invitation) -> str:
    """What the role is for: the city, the hub, or nothing (experts, the management unit, the steering
    committee serve the whole network)."""
    if invitation.city is not None:
        return str(invitation.city)
    if invitation.region is not None:
        return invitation.region.localized_name
    return ""


def invitable_roles_of(user: User) -> list[str]:
    """The roles ``user`` may invite someone into, in the roles' own order (the form offers just these)."""
    allowed = invitable_roles(scope(user))
    return [role for role in Role.values if role in allowed]
