"""A person's API tokens, as their profile page lists them."""

from __future__ import annotations

from django.db.models import QuerySet

from helpdesk.models import ApiToken, User


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """Every token ``user`` made, newest first (revoked and expired ones too: the page says which)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
