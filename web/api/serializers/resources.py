"""The resource hub as its pages show it: a search result's line (``web.lists.resources.ResourceLine``) and one
resource in a language version (the resource page's context)."""

from __future__ import annotations

from rest_framework import serializers


class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ResourceLineSerializer(serializers.Serializer):
    slug = serializers.CharField()
    url = serializers.CharField(help_text="The resource's page on the desk.")
    title = serializers.CharField(help_text="In the caller's language when a version exists, else the original's.")
    language = serializers.CharField(help_text="The language of the title.")
    in_other_language = serializers.BooleanField()
    kind = serializers.CharField()
    themes = serializers.ListField(child=serializers.CharField())
    languages = serializers.SerializerMethodField(help_text="Every version's language.")
    state = serializers.CharField()
    state_label = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)

    def get_languages(self, line: object) -> list[dict[str, str]]:
        return [{"code": code, "name": name} for code, name in getattr(line, "languages", [])]


class ResourcePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many match, up to the desk's counting limit.")
    count_capped = serializers.BooleanField(help_text="More match than `count` says.")
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = ResourceLineSerializer(many=True)


class VersionSerializer(serializers.Serializer):
    language = serializers.CharField()
    language_name = serializers.CharField()
    title = serializers.CharField()
    translated_from = serializers.CharField(allow_blank=True, help_text="The language it was translated from.")
    written_by = serializers.CharField(allow_null=True, help_text="Who wrote or translated it.")
    written_at = serializers.DateTimeField()


class ResourceFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    content_type = serializers.CharField()
    language = serializers.CharField(allow_blank=True)
    download_url = serializers.CharField(
        help_text="The desk's download of the file, with its headers (token or session)."
    )


class ResourceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    url = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    language = serializers.CharField(allow_null=True, help_text="The version shown (`?lang=`, else the caller's).")
    title = serializers.CharField(allow_null=True)
    summary = serializers.CharField(allow_null=True)
    body_html = serializers.CharField(allow_null=True, help_text="Sanitised HTML, as the page shows it.")
    versions = VersionSerializer(many=True)
    themes = serializers.ListField(child=serializers.CharField())
    priorities = serializers.ListField(child=serializers.CharField())
    hub = serializers.CharField(allow_null=True)
    city = serializers.CharField(allow_null=True, help_text="Named only when the city chose to be.")
    published_at = serializers.DateTimeField(allow_null=True)
    source_request = serializers.CharField(allow_null=True, help_text="The request it was drawn from, if visible.")
    files = ResourceFileSerializer(many=True)
