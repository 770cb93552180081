"""Who was let in: per-object grants (django-guardian) and the access log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from helpdesk.models.requests import Attachment, Message, SupportRequest


class SupportRequestUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key grants (an expert's access to one request): joinable, and deleted with the request."""

    content_object = models.ForeignKey(SupportRequest, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("request permission (user)")
        verbose_name_plural = _("request permissions (user)")


class SupportRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(SupportRequest, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("request permission (group)")
        verbose_name_plural = _("request permissions (group)")


class AccessLog(models.Model):
    """Who opened, exported, released or was let into a request: append-only, ids only, never content."""

    class Action(models.TextChoices):
        VIEW_RESTRICTED = "view_restricted", _("Viewed restricted content")
        DOWNLOAD = "download", _("Downloaded an attachment")
        EXPORT = "export", _("Exported")
        RELEASE = "release", _("Released restricted content")
        GRANT = "grant", _("Expert let in")
        REVOKE = "revoke", _("Expert access revoked")
        OWNER = "owner", _("Owner changed")
        EDIT = "edit", _("Draft edited")
        ANONYMISE = "anonymise", _("Anonymised")
        SHARE = "share", _("File shared with an expert")
        UNSHARE = "unshare", _("File no longer shared with an expert")

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="access_log")
    attachment = models.ForeignKey(Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The person the entry is about when it is not the actor: the expert let in, the new owner.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["request", "-created_at"], name="acl_request_created")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.request_id}"


class AttachmentShare(models.Model):
    """A city file the hub chose to show one expert let into its request (the expert's channel never carries
    it otherwise). Revoked, the row stays as the record; sharing again writes a new one."""

    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="shares")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="file_shares")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("no longer shared"), null=True, blank=True)

    class Meta:
        verbose_name = _("file shared with an expert")
        verbose_name_plural = _("files shared with experts")
        constraints = [
            models.UniqueConstraint(
                fields=["attachment", "expert"], condition=models.Q(revoked_at=None), name="one_live_share"
            )
        ]
        # An expert's live shares of a request are read with its files, or alone (``User.shared_attachment_ids``).
        indexes = [models.Index(fields=["expert", "revoked_at"], name="share_expert_live")]

    def __str__(self) -> str:
        return f"{self.attachment_id} → {self.expert_id}"
