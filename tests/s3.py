"""A real S3 API for the tests: moto's standalone server on a free port of 127.0.0.1, one per test process (so one
per pytest-xdist worker), and a fresh private bucket per test that becomes the desk's ``default`` storage.

Tests that use it are marked ``s3`` (``pytest -m s3``). A test that starts other processes (gunicorn, qcluster)
gives them ``S3Server.environ(bucket)``: the same ``STORAGE_URL`` and credentials a deployment sets.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from config.env import S3_BACKEND

REGION = "us-east-1"
# moto accepts any credentials; these say where they come from in a failure's log.
ACCESS_KEY, SECRET_KEY = "desk-test-access-key", "desk-test-secret-key"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def bucket_create(self) -> str:
        """A new bucket, private as S3 makes them (no ACL, no policy), under a name no other test uses."""
        name = f"desk-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def bucket_drop(self, name: str) -> None:
        client = self.client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
            for item in page.get("Contents", ()):
                client.delete_object(Bucket=name, Key=item["Key"])
        client.delete_bucket(Bucket=name)

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def storage(self, bucket: str) -> dict[str, Any]:
        """The ``STORAGES["default"]`` entry for ``bucket``, as ``STORAGE_URL`` would give it."""
        options = {"bucket_name": bucket, "endpoint_url": self.endpoint_url, "region_name": REGION}
        return {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "access_key": ACCESS_KEY, "secret_key": SECRET_KEY}}

    def environ(self, bucket: str) -> dict[str, str]:
        """The variables that make a desk process store its files in ``bucket`` (see the README)."""
        return {
            "STORAGE_URL": f"s3://{bucket}?endpoint_url={self.endpoint_url}&region_name={REGION}",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server for this test process, stopped when the session ends."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    # The server logs every request it answers; a failing test's log is the desk's, not the bucket's.
    requests_log = logging.getLogger("werkzeug")
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield S3Server(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()
        requests_log.setLevel(level)


@pytest.fixture
def s3_bucket(s3_server: S3Server, settings: Any) -> Iterator[str]:
    """A private bucket of its own that is the desk's default storage for this test; emptied and removed after.

    Overriding ``STORAGES`` resets Django's storage cache (``django.test.signals.storages_changed``), and the
    models' file fields use the lazy ``default_storage``, so everything stored in the test lands in the bucket.
    """
    bucket = s3_server.bucket_create()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage(bucket)}
    try:
        yield bucket
    finally:
        s3_server.bucket_drop(bucket)
