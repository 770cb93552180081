"""PostgreSQL only: the queue's full-text search (``helpdesk.request_index``) in place of its trigram indexes.

Two GIN indexes of ``tsvector`` expressions: the title's words, and those of the title, description and summary. The trigram
indexes of the description and the summary (0010) served only the queue's search, which no longer reads them;
every new request and edit paid for them. The title's trigram index stays: the new-request form's suggestions
match titles by substring (``helpdesk.selectors.intake``). SQLite has no equivalent and is left as it is.
"""

from django.db import migrations

from helpdesk.request_index import INDEXES

TRIGRAM = {
    "req_search_description": 'USING gin ((UPPER("description"::text)) gin_trgm_ops)',
    "req_search_summary": 'USING gin ((UPPER("summary"::text)) gin_trgm_ops)',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, expression in INDEXES.items():
            cursor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "helpdesk_supportrequest" USING gin (({expression}))')
        for name in TRIGRAM:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is not None:
            for name, definition in TRIGRAM.items():
                cursor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "helpdesk_supportrequest" {definition}')


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0027_people_log_actions")]

    operations = [migrations.RunPython(create, drop)]
