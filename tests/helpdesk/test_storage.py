"""Files in a bucket (helpdesk.storage) against a real S3 API (moto's server, tests/s3.py): stored through the
services, private, read as a stream a chunk at a time, and impossible to configure public."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk import services
from helpdesk.models import HeldFile
from helpdesk.storage import SIGNED_URL_SECONDS, PrivateS3Storage, StreamedObject
from tests.access_world import PDF_BYTES
from tests.factories import CityFactory, focal_point

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def kept(s3_bucket) -> HeldFile:
    return services.held_file_add(owner=focal_point(CityFactory()), upload=SimpleUploadedFile("a.pdf", PDF_BYTES))


def test_a_checked_file_is_stored_in_the_bucket_as_a_private_object(s3_server, s3_bucket, kept):
    assert isinstance(default_storage._wrapped, PrivateS3Storage)
    assert s3_server.keys(s3_bucket) == [kept.file.name]
    client = s3_server.client()
    assert client.get_object(Bucket=s3_bucket, Key=kept.file.name)["Body"].read() == PDF_BYTES
    grants = client.get_object_acl(Bucket=s3_bucket, Key=kept.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("URI") != ALL_USERS for grant in grants)
    # Nobody reaches it without the keys: an anonymous GET at the bucket's address is refused.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_server.endpoint_url}/{s3_bucket}/{kept.file.name}")
    assert refused.value.code == 403


def test_a_url_to_an_object_is_signed_and_short_lived(s3_bucket, kept):
    query = parse_qs(urlparse(kept.file.storage.url(kept.file.name)).query)
    assert query["X-Amz-Expires"] == [str(SIGNED_URL_SECONDS)] and "X-Amz-Signature" in query


def test_an_object_is_read_a_chunk_at_a_time_and_opened_again_from_the_start(s3_server, s3_bucket):
    content = bytes(range(256)) * 4096  # 1 MiB
    name = default_storage.save("attachments/1/big", SimpleUploadedFile("big", content))
    with default_storage.open(name, "rb") as handle:
        assert isinstance(handle, StreamedObject) and handle.size == len(content)
        assert handle.read(4096) == content[:4096]
        # One GET's body: what came off the connection so far is the chunk, not the object.
        assert handle.tell() == 4096
        assert not handle.seekable()
        handle.open("rb")
        assert handle.read() == content
    assert handle.closed


def test_a_missing_object_is_a_missing_file(s3_bucket):
    with pytest.raises(FileNotFoundError):
        default_storage.open("attachments/1/never-stored", "rb")


def test_a_kept_file_in_the_bucket_is_attached_through_its_stream(s3_server, s3_bucket, kept):
    from tests.factories import SupportRequestFactory

    request = SupportRequestFactory(city=kept.owner.cities.get())
    (attached,) = services.draft_files_attach(request=request, actor=kept.owner, held=[kept])
    assert attached.file.read() == PDF_BYTES
    assert attached.file.name in s3_server.keys(s3_bucket)


@pytest.mark.parametrize(
    "opened", [{"default_acl": "public-read"}, {"querystring_auth": False}, {"file_overwrite": True}]
)
def test_the_bucket_cannot_be_configured_public(opened):
    with pytest.raises(ImproperlyConfigured):
        PrivateS3Storage(bucket_name="desk", **opened)


def test_a_desk_process_configured_by_its_environment_alone_stores_in_the_bucket(s3_server, s3_bucket):
    # What a web or task process on another machine is given (README): STORAGE_URL and the standard credentials.
    code = (
        "import django; django.setup(); from django.core.files.base import ContentFile;"
        " from django.core.files.storage import default_storage as s;"
        " print(s.save('attachments/1/from-env', ContentFile(b'shared')))"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **s3_server.environ(s3_bucket)}
    for name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "attachments/1/from-env" and s3_server.keys(s3_bucket) == ["attachments/1/from-env"]
    with default_storage.open("attachments/1/from-env") as handle:  # and this process reads it back
        assert handle.read() == b"shared"
