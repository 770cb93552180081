"""Template tags: the header's unread badge and a request's watchers panel.

``{% load notifications_tags %}{% unread_badge %}`` in the header (``{% unread_count as n %}`` to read the count
once for its two layouts); ``{% watch_panel req %}`` on a request's page (shown to hub staff and management only).
"""

from __future__ import annotations

from typing import Any

from django import template

from helpdesk.access import can
from helpdesk.models import SupportRequest, User
from notifications import selectors

register = template.Library()


def _signed_in(context: template.Context) -> User | None:
    """The signed-in person the page is rendered for (the auth context processor's ``user``); None for a visitor,
    whose ``user`` is the anonymous user."""
    user = context.get("user")
    return user if isinstance(user, User) else None


@register.inclusion_tag("web/notifications_includes/unread_badge.html", takes_context=True)
def unread_badge(context: template.Context, count: int | None = None, compact: bool = False) -> dict[str, Any]:
    """The link to the notification centre with the unread count (``count`` when the page already read it);
    ``compact``: a bell and the count, for a phone's header."""
    if count is None:
        count = unread_count(context)
    return {"count": count, "compact": compact}


@register.simple_tag(takes_context=True)
def unread_count(context: template.Context) -> int:
    """``{% unread_count as n %}``: read once, for a header that shows the badge in two layouts (not at all on a
    page that counted already: ``header_unread`` in its context, as the request page marks read and counts)."""
    known = context.get("header_unread")
    if isinstance(known, int):
        return known
    user = _signed_in(context)
    return selectors.unread_count(user) if user is not None else 0


@register.inclusion_tag("web/notifications_includes/watch_panel.html", takes_context=True)
def watch_panel(context: template.Context, req: SupportRequest, full: bool = False) -> dict[str, Any]:
    """Who watches ``req``; ``full``: with the form to add a colleague (the watchers' own page), else a link
    to it (the request page, where choosing a colleague is rare and the list of them long)."""
    user = _signed_in(context)
    if user is None:
        return {"hidden": True}
    if not can(user, "manage_watchers", req):
        # Someone who may not manage watchers only sees the panel to stop watching themselves.
        if not selectors.is_watching(user, req):
            return {"hidden": True}
        return {
            "req": req,
            "user": user,
            "watches": [w for w in selectors.watchers_of(req) if w.user_id == user.pk],
            "csrf_token": context.get("csrf_token"),
        }
    watches = list(selectors.watchers_of(req))
    return {
        "req": req,
        "user": user,
        "can_manage": True,
        "full": full,
        "watches": watches,
        "candidates": selectors.watch_candidates(req, watching={w.user_id for w in watches}) if full else [],
        "csrf_token": context.get("csrf_token"),
    }
