"""The resource hub: training tools, guides, local policies, good practice and city profiles the network shares.

A resource is not request content: once published, every signed-in person reads it (the steering committee
too). Each language version is written by a person (never machine-translated) and says who wrote or translated
it and when. A resource drawn from a closed request names its city only with the city's consent. Its files are
checked like every attachment. Every change leaves a row in ``ResourceLog``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models.choices import Language
from helpdesk.models.geography import City, Region
from helpdesk.models.requests import SupportRequest


class ResourceKind(models.TextChoices):
    TOOL = "tool", _("Training tool")
    GUIDE = "guide", _("Guide")
    POLICY = "policy", _("Local policy")
    PRACTICE = "practice", _("Good practice")
    PROFILE = "profile", _("City profile")


class ResourceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Consent(models.TextChoices):
    """The city's word on a resource drawn from its request (or proposed about it)."""

    NOT_NEEDED = "not_needed", _("Not needed")
    ASKED = "asked", _("Asked, not answered yet")
    NAMED = "named", _("Given: the city is named")
    ANONYMOUS = "anonymous", _("Given: the city stays anonymous")
    REFUSED = "refused", _("Refused")


CONSENT_GIVEN = frozenset({Consent.NOT_NEEDED, Consent.NAMED, Consent.ANONYMOUS})


class Resource(models.Model):
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    kind = models.CharField(_("kind of resource"), max_length=12, choices=ResourceKind.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=ResourceState.choices, default=ResourceState.DRAFT, editable=False
    )
    # Theme values (``Theme``) and strategic priorities (``StrategicPriority``) it speaks to.
    themes = models.JSONField(_("themes"), default=list, blank=True)
    priorities = models.JSONField(_("strategic priorities"), default=list, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources", verbose_name=_("hub")
    )
    # The city whose experience it tells: shown by name only when ``city_named`` (the city's own choice).
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources", verbose_name=_("city")
    )
    city_named = models.BooleanField(_("the city is named"), default=False, editable=False)
    source_request = models.ForeignKey(
        SupportRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        verbose_name=_("drawn from the request"),
        editable=False,
    )
    consent = models.CharField(
        _("the city's consent"), max_length=12, choices=Consent.choices, default=Consent.NOT_NEEDED, editable=False
    )
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    consent_at = models.DateTimeField(_("consent answered"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources_created",
        verbose_name=_("author"),
        editable=False,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            models.Index(fields=["state", "-published_at"], name="res_state_published"),
            models.Index(fields=["created_by", "state"], name="res_author_state"),
        ]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("resource-detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.state == ResourceState.PUBLISHED


class ResourceVersion(models.Model):
    """The resource in one language, as a person wrote or translated it."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Two or three sentences: what it helps with."))
    # Sanitised HTML of the Markdown typed (``helpdesk.sanitize.markdown_html``) and its seal.
    body = models.TextField(_("text"))
    body_seal = models.CharField(max_length=64, blank=True, default="", editable=False)
    # Empty when written in this language; the language it was translated from otherwise.
    translated_from = models.CharField(
        _("translated from"), max_length=5, choices=Language.choices, blank=True, default=""
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["resource", "language"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        constraints = [
            models.UniqueConstraint(fields=["resource", "language"], name="resource_version_one_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


def resource_file_path(instance: ResourceFile, filename: str) -> str:
    # As for attachments: the stored name never derives from user input.
    return f"resources/{instance.resource_id}/{uuid.uuid4().hex}"


class ResourceFile(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=resource_file_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=120)
    sha256 = models.CharField(_("content hash"), max_length=64)
    # The language of the file's content, when it has one.
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("resource file")
        verbose_name_plural = _("resource files")

    def __str__(self) -> str:
        return self.original_name


class ResourceLog(models.Model):
    """What happened to a resource, by whom and when: written, sent to review, consent asked and answered,
    published, archived. Appended by the services in the same transaction as the change."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(max_length=12, blank=True, default="")
    to_state = models.CharField(max_length=12, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["resource", "created_at", "id"]
        verbose_name = _("resource history entry")
        verbose_name_plural = _("resource history")

    def __str__(self) -> str:
        return f"{self.resource_id} {self.action}"
