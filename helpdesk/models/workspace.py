"""Hub staff's working aids: saved views of the queue and the hub's reply templates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models.geography import Region


class SavedView(models.Model):
    """A named set of the queue's filters: its owner's own, or shared with the hub of ``region``."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("owner")
    )
    # Set: every hub staff member of that hub sees it; empty: only its owner does.
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("shared with")
    )
    name = models.CharField(_("name"), max_length=60)
    # The queue's query string, normalised from the filter form's cleaned data (never a page cursor).
    query = models.CharField(_("filters"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        indexes = [
            models.Index(fields=["owner", "name"], name="savedview_owner"),
            models.Index(fields=["region", "name"], name="savedview_region"),
        ]

    def __str__(self) -> str:
        return self.name


class ReplyTemplate(models.Model):
    """A reply a hub writes often, in the three languages, with placeholders filled per request
    (``helpdesk.replies.template_render``)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="reply_templates", verbose_name=_("hub"))
    title = models.CharField(_("title"), max_length=120)
    body_en = models.TextField(_("text in English"), blank=True)
    body_fr = models.TextField(_("text in French"), blank=True)
    body_ar = models.TextField(_("text in Arabic"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        indexes = [models.Index(fields=["region", "title"], name="replytemplate_region")]

    def __str__(self) -> str:
        return self.title
