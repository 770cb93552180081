import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.built_once import settings_of_every_test
from tests.s3 import s3_bucket, s3_server  # noqa: F401  (fixtures, found by pytest by their names here)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    for name, value in settings_of_every_test(tmp_path / "private").items():
        setattr(settings, name, value)
    # Each test builds its own network, often with the same ids: nothing cached may outlive it.
    cache.clear()
    # And each starts in the desk's default language: a page that switches to a person's language (their
    # account's, an invitation's) leaves it active in the thread after the test client's request, as Django
    # does between requests, so a test run after it in the same worker would read French.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once():
    """WhiteNoise lists every static file (some 480, each with its headers) whenever its middleware is made, and
    the test Client makes the middleware anew for each Client: 0.1 s a client, most of the time of the suites that
    open a page as one person after another. The files do not change during a run: the first listing is kept and
    each later middleware with the same settings is given the same files (what one production process does)."""
    list_files = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple, dict] = {}

    def add_files_from_finders(self):
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
            self.add_headers_function,
            tuple(settings.STATICFILES_DIRS),
            tuple(settings.INSTALLED_APPS),
        )
        if key not in listed:
            before = dict(self.files)
            list_files(self)
            listed[key] = {url: file for url, file in self.files.items() if before.get(url) is not file}
        self.files.update(listed[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        yield


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
