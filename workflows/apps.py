from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        # The state machine's proxy model is generated from the lifecycle table, whose move handlers use this
        # app's models: it is registered here, once they exist.
        from helpdesk.signals import city_country_changed, requests_anonymised
        from workflows import machine  # noqa: F401
        from workflows.receivers import on_city_country_changed, on_requests_anonymised

        requests_anonymised.connect(on_requests_anonymised, dispatch_uid="workflows.requests_anonymised")
        city_country_changed.connect(on_city_country_changed, dispatch_uid="workflows.city_country_changed")
