"""The environment switches: each variable selects what the README says it selects."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import S3_BACKEND, email_settings_from_url, storage_settings

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, django; from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
    " 'q': {k: v for k, v in s.Q_CLUSTER.items() if k in ('orm', 'redis', 'timeout', 'retry')},"
    " 'email': s.EMAIL_BACKEND, 'debug': s.DEBUG,"
    " 'mode': s.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode'),"
    " 'options': s.DATABASES['default'].get('OPTIONS', {}), 'age': s.DATABASES['default'].get('CONN_MAX_AGE'),"
    " 'storage': s.STORAGES['default'], 'cache': s.CACHES['default']}, default=str))"
)


def _settings_with(env: dict[str, str]) -> dict:
    unset = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_HOST", "DB_PREPARED_STATEMENTS", "DB_CONN_MAX_AGE"}
    unset |= {"STORAGE_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME"}
    unset |= {"CACHE_URL", "CACHE_KEY_PREFIX"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    result = subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_embedded_sqlite_orm_broker_and_console_email():
    found = _settings_with({})
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["mode"] == "IMMEDIATE"
    assert found["q"]["orm"] == "default" and "redis" not in found["q"]
    assert found["q"]["timeout"] < found["q"]["retry"]
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"


def test_database_redis_and_email_urls_switch_backends():
    found = _settings_with(
        {
            "DATABASE_URL": "postgres://desk:pw@db.example:5432/desk",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "EMAIL_URL": "smtp://mailer:secret@smtp.example:2525?tls=1",
        }
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "desk"
    assert found["q"]["redis"] == "redis://127.0.0.1:6379/3" and "orm" not in found["q"]
    assert found["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_the_cache_is_in_process_unless_a_redis_url_is_named_and_a_prefix_keeps_two_desks_apart():
    assert _settings_with({})["cache"] == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_PREFIX": "",
    }
    shared = _settings_with({"CACHE_URL": "redis://127.0.0.1:6379/1", "CACHE_KEY_PREFIX": "staging"})["cache"]
    assert shared == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
        "KEY_PREFIX": "staging",
    }


def test_connections_persist_and_prepared_statements_are_opt_in():
    assert _settings_with({})["age"] == 60
    assert _settings_with({"DB_CONN_MAX_AGE": "0"})["age"] == 0
    postgres = {"DATABASE_URL": "postgres://u:p@db:5432/helpdesk"}
    assert "server_side_binding" not in _settings_with(postgres)["options"]
    options = _settings_with({**postgres, "DB_PREPARED_STATEMENTS": "1"})["options"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 2


def test_email_url_parsing():
    smtp = email_settings_from_url("smtp://user%40x:p%2Fw@mail.example:2525?tls=1")
    assert smtp["EMAIL_HOST"] == "mail.example" and smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_USER"] == "user@x" and smtp["EMAIL_HOST_PASSWORD"] == "p/w"
    assert smtp["EMAIL_USE_TLS"] is True and smtp["EMAIL_USE_SSL"] is False
    assert email_settings_from_url("smtps://mail.example")["EMAIL_PORT"] == 465
    assert email_settings_from_url("file:///tmp/mails")["EMAIL_FILE_PATH"] == "/tmp/mails"
    with pytest.raises(ValueError):
        email_settings_from_url("ftp://nope")


def test_files_stay_on_the_local_disk_unless_a_bucket_is_named(tmp_path):
    found = _settings_with({"PRIVATE_MEDIA_ROOT": str(tmp_path)})["storage"]
    assert found == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path), "base_url": None},
    }
    found = _settings_with({"STORAGE_URL": "s3://desk-files?endpoint_url=http://127.0.0.1:9000&region_name=eu-west-3"})
    assert found["storage"] == {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {"bucket_name": "desk-files", "endpoint_url": "http://127.0.0.1:9000", "region_name": "eu-west-3"},
    }


def test_storage_url_parsing(tmp_path):
    assert storage_settings({"STORAGE_URL": "s3://desk"}, local_root=tmp_path)["OPTIONS"] == {"bucket_name": "desk"}
    aws = {"AWS_STORAGE_BUCKET_NAME": "desk", "AWS_S3_ENDPOINT_URL": "http://minio:9000", "AWS_S3_REGION_NAME": "x"}
    assert storage_settings(aws, local_root=tmp_path) == {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {"bucket_name": "desk", "endpoint_url": "http://minio:9000", "region_name": "x"},
    }
    # STORAGE_URL wins over the AWS_* variables; the local folder is the default.
    assert (
        storage_settings({**aws, "STORAGE_URL": "s3://other"}, local_root=tmp_path)["OPTIONS"]["bucket_name"] == "other"
    )
    assert storage_settings({}, local_root=tmp_path)["OPTIONS"]["location"] == tmp_path
    for wrong in ("file:///srv/files", "s3://", "s3://key:secret@desk", "s3://desk?default_acl=public-read"):
        with pytest.raises(ValueError):
            storage_settings({"STORAGE_URL": wrong}, local_root=tmp_path)


def test_debug_off_requires_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "0"})
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    # The browser tests allow async-unsafe calls for Playwright; a deployment never sets that variable.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": "x7!k2" * 12,
            "ALLOWED_HOSTS": "desk.example.org",
            "DJANGO_VAR_DIR": "/tmp/helpdesk-check-deploy",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "System check identified no issues" in result.stdout


def test_a_waiting_states_days_come_from_the_variable_the_lifecycle_table_names():
    code = (
        "import django, json; django.setup(); from workflows.deadlines import days_of;"
        " from workflows.lifecycle import STATE_SPECS;"
        " print(json.dumps({n: days_of(s.deadline) for n, s in STATE_SPECS.items() if s.deadline.setting}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "WORKFLOW_TRIAGE_DAYS": "2"}
    env.pop("WORKFLOW_INFO_DAYS", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    days = json.loads(result.stdout)
    assert days["submitted"] == 2  # the variable
    assert days["info_requested"] == 10  # the table's default
    assert set(days) == {"submitted", "info_requested", "expert_matching", "funding_review", "in_delivery", "delivered"}


def test_the_task_workers_log_level_is_its_own_or_the_root_one():
    show = "import django, logging; django.setup(); print(logging.getLogger('django-q').getEffectiveLevel())"

    def level(env: dict[str, str]) -> int:
        clean = {k: v for k, v in os.environ.items() if k not in {"Q_LOG_LEVEL", "LOG_LEVEL"}}
        clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
        result = subprocess.run([sys.executable, "-c", show], cwd=ROOT, env=clean, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return int(result.stdout)

    assert level({}) == 20  # INFO, as the root
    assert level({"LOG_LEVEL": "ERROR"}) == 40
    assert level({"Q_LOG_LEVEL": "WARNING"}) == 30  # what `make run` sets


def test_two_step_sign_in_is_required_in_production_only_unless_the_variable_says_otherwise():
    show = "from django.conf import settings as s; print(s.TWO_FACTOR_REQUIRED, ','.join(s.TWO_FACTOR_ROLES))"

    def found(env: dict[str, str]) -> str:
        unset = {"DJANGO_DEBUG", "DJANGO_TESTING", "TWO_FACTOR_REQUIRED", "TWO_FACTOR_ROLES"}
        clean = {k: v for k, v in os.environ.items() if k not in unset}
        clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x" * 50, **env})
        result = subprocess.run([sys.executable, "-c", show], cwd=ROOT, env=clean, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert found({}) == "False hub_staff,expert,management"  # `make run`: the demo logins need no phone
    assert found({"DJANGO_DEBUG": "0"}) == "True hub_staff,expert,management"
    assert found({"DJANGO_DEBUG": "0", "TWO_FACTOR_REQUIRED": "0"}).startswith("False")
    assert found({"TWO_FACTOR_REQUIRED": "1", "TWO_FACTOR_ROLES": "hub_staff"}) == "True hub_staff"
