from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The demo network, the scale seeders and the benchmark (``seed_demo``, ``bench``).

    Installed so that its commands exist; no product app imports it.
    """

    name = "devtools"
    verbose_name = "Developer tools"
