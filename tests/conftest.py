import pytest
from django.conf import settings
from django.core.cache import cache


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
