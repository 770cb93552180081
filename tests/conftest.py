import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.s3 import s3_bucket, s3_server  # noqa: F401  (fixtures, found by pytest by their names here)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Fast hashing and private uploads in a throw-away folder: the production choices stay untouched.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = False
    # Suites post fast as one person; the rate limits' own tests turn them on (tests/web/test_ratelimits.py).
    settings.RATELIMIT_ENABLE = False
    # Each test builds its own network, often with the same ids: nothing cached may outlive it.
    cache.clear()
    yield
    cache.clear()


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture
def rate_limits_on(settings, monkeypatch):
    """Turn the post limits on, with their clock held still. django_ratelimit counts in fixed windows of the wall
    clock: posts that straddle a window's end would start a new count, and a test expecting a refusal would see
    the post go through (one run in a few dozen, with a one-minute window)."""
    import django_ratelimit.core

    now = int(time.time())
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))
    settings.RATELIMIT_ENABLE = True
    return settings
