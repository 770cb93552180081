"""PostgreSQL only: trigram indexes for the queue's search (``helpdesk.selectors.request_search``).

A search matches ``UPPER(column) LIKE UPPER('%term%')`` on the title, description and summary, and the
reference exactly: without these indexes PostgreSQL reads the text of every candidate request of the hub.
The pg_trgm extension is created when the database user may do so; otherwise (an administrator creates it
later, then runs ``migrate helpdesk 0009`` and ``migrate`` again) the desk works without the indexes.
SQLite has no equivalent and reads the candidates in date order until a page is full.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEXES = {
    "req_search_title": 'USING gin ((UPPER("title"::text)) gin_trgm_ops)',
    "req_search_description": 'USING gin ((UPPER("description"::text)) gin_trgm_ops)',
    "req_search_summary": 'USING gin ((UPPER("summary"::text)) gin_trgm_ops)',
    "req_search_reference": '((UPPER("reference"::text)))',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            logger.warning("pg_trgm could not be created: the queue's search runs without trigram indexes.")
            return
        for name, definition in INDEXES.items():
            cursor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "helpdesk_supportrequest" {definition}')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0009_queue_filter_index")]

    operations = [migrations.RunPython(create, drop)]
