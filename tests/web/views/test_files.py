"""Attachment downloads from a bucket (STORAGE_URL), against a real S3 API (moto's server, tests/s3.py): a file
posted through the page lands in the private bucket and leaves only through the desk's view, with its access
check, its access-log row and its headers, streamed a chunk at a time. The same on the local disk is in
tests/helpdesk/test_attachments.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.models import AccessLog, Attachment
from helpdesk.storage import PrivateS3Storage, StreamedObject
from tests.factories import CityFactory, focal_point, hub_staff
from tests.web.api.conftest import api_client
from tests.web.pages import in_state
from web.downloads import STREAM_CHUNK

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

# Plain text, checked whole on upload, several chunks long.
MINUTES = b"Minutes of the youth council: the schools sent two pupils each.\n" * 5000


@pytest.fixture
def posted(client, s3_bucket) -> Attachment:
    city = CityFactory()
    request = in_state("submitted", city=city)
    client.force_login(focal_point(city))
    response = client.post(
        reverse("request-message", args=[request.reference]),
        {"body": "The minutes", "visibility": "city", "attachment": SimpleUploadedFile("minutes.txt", MINUTES)},
    )
    assert response.status_code == 302
    return Attachment.objects.select_related("request").get()


def test_a_posted_file_is_an_object_of_the_bucket_under_its_random_name(s3_server, s3_bucket, posted):
    assert s3_server.keys(s3_bucket) == [posted.file.name]
    assert posted.file.name.startswith(f"attachments/{posted.request_id}/") and "minutes" not in posted.file.name
    assert s3_server.client().get_object(Bucket=s3_bucket, Key=posted.file.name)["Body"].read() == MINUTES


def test_the_download_passes_through_the_desk_streamed_with_its_headers_and_logged(client, posted, monkeypatch):
    opened: list[StreamedObject] = []
    storage_open = PrivateS3Storage._open
    monkeypatch.setattr(PrivateS3Storage, "_open", lambda *args: opened.append(storage_open(*args)) or opened[-1])
    reader = hub_staff(posted.request.region)
    client.force_login(reader)
    response = client.get(reverse("attachment-download", args=[posted.pk]), REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="minutes.txt"'
    assert response["Content-Type"] == posted.content_type
    assert response["Content-Length"] == str(len(MINUTES))
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "no-store, private"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    log = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert (log.user, log.attachment, log.request_id, log.ip_address) == (
        reader,
        posted,
        posted.request_id,
        "192.0.2.9",
    )
    # Sent as it arrives from the bucket: after the first piece, only that piece has been read of the object.
    pieces = iter(response.streaming_content)
    first = next(pieces)
    assert first == MINUTES[:STREAM_CHUNK]
    (stream,) = opened
    assert stream.tell() == STREAM_CHUNK < len(MINUTES)
    assert first + b"".join(pieces) == MINUTES


def test_a_stranger_is_refused_and_nothing_is_logged(client, posted):
    client.force_login(focal_point(CityFactory()))
    assert client.get(reverse("attachment-download", args=[posted.pk])).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_an_object_gone_from_the_bucket_answers_404(client, s3_server, s3_bucket, posted):
    s3_server.client().delete_object(Bucket=s3_bucket, Key=posted.file.name)
    client.force_login(hub_staff(posted.request.region))
    assert client.get(reverse("attachment-download", args=[posted.pk])).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_the_api_downloads_the_same_bytes(posted):
    response = api_client(hub_staff(posted.request.region)).get(reverse("api:attachment-download", args=[posted.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == MINUTES
    assert response["X-Content-Type-Options"] == "nosniff"
