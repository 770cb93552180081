"""Reading configuration from the environment, in one place."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def env_ints_matching(pattern: str) -> dict[str, int]:
    """Every environment variable whose whole name matches ``pattern``, as an integer setting."""
    names = [name for name in os.environ if re.fullmatch(pattern, name)]
    return {name: env_int(name, 0) for name in sorted(names)}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def email_settings_from_url(url: str) -> dict[str, object]:
    """Turn ``smtp://user:pass@host:587?tls=1`` (or ``smtps://`` for implicit TLS) into Django settings.

    ``console://`` and ``file:///path`` are accepted too, so one variable can select any backend.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parsed.path),
        }
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in {"smtp", "smtps", "submission"}:
        raise ValueError(f"Unsupported EMAIL_URL scheme: {scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    use_ssl = scheme == "smtps" or query.get("ssl", "") in {"1", "true"}
    use_tls = not use_ssl and (scheme == "submission" or query.get("tls", "") in {"1", "true"})
    default_port = 465 if use_ssl else (587 if use_tls else 25)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or default_port,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": int(query.get("timeout", "10")),
    }


# The object storage backend: django-storages' S3 backend, made private and streaming (helpdesk.storage).
S3_BACKEND = "helpdesk.storage.PrivateS3Storage"
# The options STORAGE_URL may carry in its query, as django-storages names them.
S3_URL_OPTIONS = {"endpoint_url", "region_name", "location", "addressing_style", "signature_version"}


def storage_settings(environ: Mapping[str, str], *, local_root: Path) -> dict[str, Any]:
    """The ``default`` entry of ``STORAGES``: a private S3-compatible bucket when ``STORAGE_URL`` or
    ``AWS_STORAGE_BUCKET_NAME`` is set, else the local folder ``local_root``.

    ``STORAGE_URL=s3://bucket?endpoint_url=http://127.0.0.1:9000&region_name=us-east-1`` (the query is
    optional; ``endpoint_url`` for a server other than AWS, MinIO for one). Without it,
    ``AWS_STORAGE_BUCKET_NAME`` with ``AWS_S3_ENDPOINT_URL`` and ``AWS_S3_REGION_NAME``. The credentials are
    never in the URL: boto3 reads ``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` (or an instance role).
    """
    url = environ.get("STORAGE_URL", "").strip()
    if url:
        parsed = urlparse(url)
        if parsed.scheme.lower() != "s3" or not parsed.hostname:
            raise ValueError(f"STORAGE_URL must be s3://<bucket>[?options], not {url!r}")
        if parsed.username or parsed.password:
            raise ValueError("STORAGE_URL carries no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        unknown = set(query) - S3_URL_OPTIONS
        if unknown:
            raise ValueError(f"Unsupported STORAGE_URL options: {sorted(unknown)}; known: {sorted(S3_URL_OPTIONS)}")
        # The bucket is the URL's host as written (urlparse's hostname would lower-case it).
        options: dict[str, Any] = {"bucket_name": unquote(parsed.netloc), **query}
    elif environ.get("AWS_STORAGE_BUCKET_NAME", "").strip():
        options = {"bucket_name": environ["AWS_STORAGE_BUCKET_NAME"].strip()}
        for option, name in (("endpoint_url", "AWS_S3_ENDPOINT_URL"), ("region_name", "AWS_S3_REGION_NAME")):
            if environ.get(name, "").strip():
                options[option] = environ[name].strip()
    else:
        # Files live outside any URL the web server exposes (no base URL): only the desk's views hand them out.
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": local_root, "base_url": None},
        }
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
