"""How often one person may post: messages, requests and their drafts, moves, reply templates, uploads.

A person writes a few posts a minute; a script writes hundreds. Each post counts in the cache (a shared cache,
``CACHE_URL``, makes the count one across web workers; the default in-process cache counts per worker), keyed
by the person, in a fixed window. Past the limit the view is not run: ``Ratelimited`` is raised, and
``django_ratelimit``'s middleware answers with ``ratelimited`` below, a 429 page saying when to send again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

from web.middleware import client_ip

View = Callable[..., HttpResponse]

# How long the page tells a person to wait when the window's end is unknown (the default rate's window).
DEFAULT_WAIT_SECONDS = 60


def _limits(request: HttpRequest) -> list[tuple[str, str | None]]:
    """The counts a post adds to: every post; and, when it carries files, the uploads."""
    return [
        ("web:posts", settings.RATELIMIT_POSTS),
        ("web:uploads", settings.RATELIMIT_UPLOADS if request.FILES else None),
    ]


def limit_posts(view: View) -> View:
    """Count each POST to ``view`` against the person's limits (a GET is never counted). Put it under the
    view's sign-in check, so that only signed-in people are counted, each by their id."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            for group, rate in _limits(request):
                usage = get_usage(request, group=group, key="user", rate=rate, method="POST", increment=True)
                if usage is not None and usage["should_limit"]:
                    request.retry_after = max(1, int(usage["time_left"]))  # type: ignore[attr-defined]
                    raise Ratelimited
        return view(request, *args, **kwargs)

    return wrapped


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``RATELIMIT_VIEW``: the page for a post past the limit, with ``Retry-After``."""
    wait = getattr(request, "retry_after", DEFAULT_WAIT_SECONDS)
    response = render(request, "429.html", {"wait_seconds": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def visitor_key(group: str, request: HttpRequest) -> str:
    """Who a visitor's page counts against: the person when signed in, else the client's address (a key per
    person would put every visitor in one count)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request) or 'unknown'}"


def limit_visitor(view: View) -> View:
    """Count every request to ``view`` (reading a link and answering it) by person or address, against
    ``RATELIMIT_INVITATION_LINKS``: a page open to visitors, whose links a script could try by the thousand."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rate = settings.RATELIMIT_INVITATION_LINKS
        usage = get_usage(request, group="web:visitor-links", key=visitor_key, rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            request.retry_after = max(1, int(usage["time_left"]))  # type: ignore[attr-defined]
            raise Ratelimited
        return view(request, *args, **kwargs)

    return wrapped
