from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Workflow"

    def ready(self) -> None:
        # The move handlers import models, so they are collected once the registry is ready.
        from workflows.moves import load_handlers

        load_handlers()
