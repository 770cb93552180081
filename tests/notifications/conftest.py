"""The notification tests' fixtures: a network around one request (``tests.notification_world``), tasks run at
once, pages in English."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_q.conf import Conf

from tests.notification_world import World, make_world


@pytest.fixture(autouse=True)
def _sync_tasks(monkeypatch):
    """django-q2 runs a queued task at once, in this process (its documented mode for tests).

    The qcluster integration tests turn it off to hand the tasks to a real cluster.
    """
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db) -> World:
    return make_world()
