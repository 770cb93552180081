"""Template tags for the desk's hand-written markup (``web.fast``, where the why and the tests are)."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.safestring import SafeString

from web import fast
from web.lists.queue import QueueRow
from web.presenters import MessageView
from web.timeline import Said

register = template.Library()


@register.simple_tag
def message_articles(messages: Sequence[MessageView], *, can_release: bool = False) -> SafeString:
    """What ``templates/web/requests/messages.html`` writes, in one pass."""
    return fast.message_articles(messages, can_release=can_release)


@register.simple_tag
def timeline_messages(messages: Sequence[Said]) -> SafeString:
    """What ``templates/web/requests/timeline_messages.html`` writes, in one pass."""
    return fast.timeline_messages(messages)


@register.simple_tag
def queue_lines(rows: Sequence[QueueRow], *, all_hubs: bool = False) -> SafeString:
    """What ``templates/web/hub/queue_rows.html`` writes, in one pass."""
    return fast.queue_lines(rows, all_hubs=all_hubs)
