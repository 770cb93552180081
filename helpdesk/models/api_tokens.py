"""Personal API tokens: a person's key for the REST API (``web/api``), made and revoked on their profile page.

Only a digest of the key is stored (SHA-256 of 32 random bytes needs no slow hash: it cannot be guessed), with
its first characters to tell tokens apart on the page. A token acts as its owner, with their role and scope as
they are at each call: it stops with the owner's deactivation or suspension, its expiry, or its revocation.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("starts with"), max_length=12)
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_live")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_live(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def state(self, now: datetime | None = None) -> str:
        """ "live", "expired" or "revoked", as the tokens page names it."""
        if self.revoked_at is not None:
            return "revoked"
        return "live" if self.is_live(now) else "expired"
