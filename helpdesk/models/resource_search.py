"""The search index of the resource hub on PostgreSQL: one row per language version, its words as plain text
(the text without its HTML, so that no query parses markup) and as a ``tsvector`` weighted title A, summary B,
text C and stemmed in the version's language. Written by ``helpdesk.resource_index`` only; on SQLite the index
is an FTS5 table instead (see that module) and this table stays empty.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from helpdesk.models.resources import Resource, ResourceVersion


class ResourceSearch(models.Model):
    version = models.OneToOneField(
        ResourceVersion, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="search_entries")
    language = models.CharField(max_length=5)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    text = models.TextField(blank=True)
    # A GIN index on it is created by migration 0020 (PostgreSQL only).
    document = SearchVectorField(null=True)
    # The title's part of ``document`` alone: whether the words are in a title is read from a few bytes, not
    # from the whole document (kept out of line by PostgreSQL once it passes 2 kB).
    title_document = SearchVectorField(null=True)

    class Meta:
        verbose_name = "resource search entry"
        verbose_name_plural = "resource search entries"

    def __str__(self) -> str:
        return f"{self.resource_id}/{self.language}"
