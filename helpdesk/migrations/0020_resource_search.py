"""The resource hub's full-text index (``helpdesk.resource_index``).

PostgreSQL: the ``ResourceSearch`` table of weighted, stemmed ``tsvector``s under a GIN index, and pg_trgm (for
titles close to the words typed when nothing matches; created when the database user may, as 0010 does).
SQLite: an FTS5 table instead (the ``ResourceSearch`` table stays empty there). Versions written before this
migration are indexed by it.
"""

import logging

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import DatabaseError, migrations, models, transaction

logger = logging.getLogger(__name__)

FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS helpdesk_resource_fts USING fts5("
    "title, summary, body, resource_id UNINDEXED, language UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)

# A version deleted (with its resource) leaves the FTS table too; PostgreSQL's rows go by their foreign key.
FTS_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS helpdesk_resource_fts_version_deleted AFTER DELETE ON helpdesk_resourceversion "
    "BEGIN DELETE FROM helpdesk_resource_fts WHERE rowid = old.id; END"
)


def create(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(FTS)
            cursor.execute(FTS_TRIGGER)
        elif connection.vendor == "postgresql":
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS res_search_document ON helpdesk_resourcesearch USING gin (document)"
            )
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except DatabaseError:
                logger.warning("pg_trgm could not be created: resource search offers no close titles.")
            else:
                cursor.execute(
                    "CREATE INDEX IF NOT EXISTS res_version_title_trgm"
                    " ON helpdesk_resourceversion USING gin (title gin_trgm_ops)"
                )
    # The versions already written (the index module writes through the current models: the table is as here).
    from helpdesk.resource_index import entries_for, index_entries

    versions = apps.get_model("helpdesk", "ResourceVersion").objects.order_by("pk")
    index_entries(entries_for(versions.iterator()))


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS helpdesk_resource_fts_version_deleted")
            cursor.execute("DROP TABLE IF EXISTS helpdesk_resource_fts")
        elif schema_editor.connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS res_version_title_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0019_intake_sessions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResourceSearch",
            fields=[
                (
                    "version",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="helpdesk.resourceversion",
                    ),
                ),
                ("language", models.CharField(max_length=5)),
                ("title", models.CharField(max_length=200)),
                ("summary", models.TextField(blank=True)),
                ("text", models.TextField(blank=True)),
                ("document", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("title_document", django.contrib.postgres.search.SearchVectorField(null=True)),
                (
                    "resource",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="search_entries",
                        to="helpdesk.resource",
                    ),
                ),
            ],
            options={
                "verbose_name": "resource search entry",
                "verbose_name_plural": "resource search entries",
            },
        ),
        migrations.RunPython(create, drop),
    ]
