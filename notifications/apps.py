from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpdesk.signals import message_posted, resource_consent, resource_moved
        from notifications.listeners import (
            on_introduction_event,
            on_lifecycle_event,
            on_message_posted,
            on_resource_consent,
            on_resource_moved,
        )
        from workflows.signals import introduction_event, lifecycle_event

        lifecycle_event.connect(on_lifecycle_event, dispatch_uid="notifications.lifecycle_event")
        message_posted.connect(on_message_posted, dispatch_uid="notifications.message_posted")
        resource_moved.connect(on_resource_moved, dispatch_uid="notifications.resource_moved")
        resource_consent.connect(on_resource_consent, dispatch_uid="notifications.resource_consent")
        introduction_event.connect(on_introduction_event, dispatch_uid="notifications.introduction_event")
