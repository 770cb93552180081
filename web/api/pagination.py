"""Lists page with an opaque cursor (``?cursor=``): stable while rows are added, and no count of every row."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import CursorPagination


class DeskCursorPagination(CursorPagination):
    """Newest first; ``?page_size=`` up to 100."""

    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 100

    def __init__(self) -> None:
        self.page_size = settings.API_PAGE_SIZE
