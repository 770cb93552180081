"""Data built once for a module or class of tests, each test still starting from exactly that data.

A world of a few dozen rows costs more than most of the requests a test then makes about it. ``built_once``
builds it inside a transaction of its own that is rolled back when the module (or class) is done, like
``TestCase.setUpTestData``: each test's own transaction (pytest-django's ``db``) is a savepoint inside it, so
whatever a test writes is gone before the next, in any order. The settings are the ones every test runs with
(``tests/conftest.py``), so the world is made as a test would make it (fast hashing, uploads in a throw-away
folder: a test copies them into its own with ``copy_files``).

Use it from a fixture of module or class scope::

    @pytest.fixture(scope="module")
    def shared(django_db_setup, django_db_blocker, tmp_path_factory):
        with built_once(django_db_blocker, tmp_path_factory.mktemp("files")) as files:
            yield build_world(), files

and hand each test a ``copy.deepcopy`` of the Python objects, so that one test's ``refresh_from_db`` or edited
attribute is not the next test's starting point.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.test.utils import override_settings


def settings_of_every_test(private: Path) -> dict[str, Any]:
    """What every test runs with, ``private`` the folder of its uploads (``tests/conftest.py``)."""
    from django.conf import settings

    return {
        # Fast hashing and private uploads in a throw-away folder: the production choices stay untouched.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "STORAGES": {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": private, "base_url": None},
            },
        },
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "AXES_ENABLED": False,
        # Suites post fast as one person; the rate limits' own tests turn them on (tests/web/test_ratelimits.py).
        "RATELIMIT_ENABLE": False,
    }


@contextmanager
def built_once(django_db_blocker: Any, files: Path) -> Iterator[Path]:
    """Everything written inside is rolled back on leaving; uploads go to ``files/private``."""
    private = files / "private"
    with django_db_blocker.unblock(), override_settings(**settings_of_every_test(private)), transaction.atomic():
        cache.clear()
        try:
            yield private
        finally:
            transaction.set_rollback(True)
            cache.clear()


def copy_files(private: Path, tmp_path: Path) -> None:
    """The shared world's uploads into this test's own upload folder (``tmp_path / "private"``)."""
    if private.exists():
        shutil.copytree(private, tmp_path / "private", dirs_exist_ok=True)
