from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Every page of the desk: urls, views, forms, template tags, presenters, page queries and exports."""

    name = "web"
    verbose_name = _("Pages")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from web.middleware import session_stamp_on_login
        from web.two_factor import note_on_login

        user_logged_in.connect(session_stamp_on_login, dispatch_uid="web.session_stamp_on_login")
        user_logged_in.connect(note_on_login, dispatch_uid="web.two_factor_note_on_login")
