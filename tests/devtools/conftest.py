"""The demo network, seeded once for a module whose tests only read it (or write inside their own transaction)."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.built_once import built_once, copy_files


@pytest.fixture(scope="module")
def demo_once(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[tuple[str, Path]]:
    # ``seed_demo`` takes five seconds or more: a module of tests that each read what it wrote seeds once, inside
    # a transaction rolled back at the module's end (tests/built_once.py); each test's own transaction is a
    # savepoint inside it, so one test's writes never reach the next.
    with built_once(django_db_blocker, tmp_path_factory.mktemp("demo")) as files:
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue(), files


@pytest.fixture
def demo(demo_once: tuple[str, Path], db: None, tmp_path: Path) -> str:
    """The demo network as ``seed_demo`` leaves it; what the command printed."""
    printed, files = demo_once
    copy_files(files, tmp_path)
    return printed
