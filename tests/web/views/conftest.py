"""The lifecycle tests' network (``tests/workflows/conftest.py``), for pages that need a request walked for real."""

from tests.workflows.conftest import net  # noqa: F401  (a fixture, found by pytest by its name here)
