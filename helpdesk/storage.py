"""Stored files in an S3-compatible bucket (``STORAGE_URL``, see config.env.storage_settings): django-storages'
S3 backend, held private and read as a stream.

Private: no object is written with an ACL (it gets the bucket's, private unless someone opens the bucket),
names are never reused (a random name each time, and no overwrite if one ever repeats), and a URL to an object,
should anything ask for one, is signed and short-lived. Nothing in the desk links to the bucket: every file
leaves through a view that checks access and writes the access log (web.views.files, web.views.resources).

Streamed: django-storages' own ``S3File`` copies the whole object into a temporary file held in memory
(``AWS_S3_MAX_MEMORY_SIZE`` is 0, no limit, by default) on its first read. A download of a 10 MB attachment
would hold 10 MB per request in a web worker; ``StreamedObject`` reads the body of one GET as the server sends
it, a chunk at a time, so a worker holds one chunk whatever the size.
"""

from __future__ import annotations

from typing import IO, Any, cast

from botocore.exceptions import ClientError
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import File
from storages.backends.s3 import S3Storage, _filter_download_params  # type: ignore[import-untyped]
from storages.utils import clean_name  # type: ignore[import-untyped]

# What keeps the bucket's objects private; OPTIONS or AWS_* settings cannot undo it.
PRIVATE = {"default_acl": None, "querystring_auth": True, "file_overwrite": False, "custom_domain": None}
# Were anything to ask for an object's URL, it would work for this long only (seconds).
SIGNED_URL_SECONDS = 60


class StreamedObject(File):
    """An object of the bucket opened for reading: the body of one GET, read front to back as it arrives.

    It cannot seek (the server sends the bytes once); ``open()`` again starts a new GET from the first byte.
    """

    def __init__(self, storage: PrivateS3Storage, key: str, name: str) -> None:
        self._storage, self._key, self._closed = storage, key, False
        # The parameters a GET may carry (a customer key for encryption, say), as S3File sends them.
        self._parameters = _filter_download_params(storage.get_object_parameters(name))
        super().__init__(self._get(), name)
        self.mode = "rb"

    def _get(self) -> IO[bytes]:
        try:
            response = self._storage.bucket.Object(self._key).get(**self._parameters)
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"No object {self._key!r} in the bucket") from error
            raise
        self.size = response["ContentLength"]
        # A StreamingBody is an io.IOBase that reads: read(n), readable(), tell(), close(); seeking refused.
        return cast(IO[bytes], response["Body"])

    @property
    def closed(self) -> bool:
        return self._closed

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> StreamedObject:
        if mode not in (None, "rb"):
            raise ValueError("An object of the bucket is read as bytes only.")
        self.close()
        self.file = self._get()
        self._closed = False
        return self

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self._closed = True


class PrivateS3Storage(S3Storage):
    """django-storages' S3 backend: private objects, reads streamed (see the module's docstring)."""

    def __init__(self, **options: Any) -> None:
        opened = {key: value for key, value in options.items() if key in PRIVATE and value != PRIVATE[key]}
        if opened:
            raise ImproperlyConfigured(f"The desk's bucket stays private; remove {sorted(opened)} from its OPTIONS.")
        # Signature version 4: the only one newer AWS regions and most S3-compatible servers accept.
        defaults = {"querystring_expire": SIGNED_URL_SECONDS, "signature_version": "s3v4"}
        super().__init__(**{**defaults, **options, **PRIVATE})

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode != "rb":
            return super()._open(name, mode)
        return StreamedObject(self, self._normalize_name(clean_name(name)), name)
