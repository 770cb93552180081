from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Help desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from helpdesk.middleware import session_stamp_on_login

        user_logged_in.connect(session_stamp_on_login, dispatch_uid="helpdesk.session_stamp_on_login")
