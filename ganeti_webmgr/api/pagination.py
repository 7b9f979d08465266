"""Cursor pagination: a page costs the same at the 10,000th row as at the first, and
rows added meanwhile neither repeat nor vanish."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 100
    page_size_query_param = "limit"
    max_page_size = 1000
    # Natural order of names (name_key), ties by id; views set their own.
    ordering = ("name_key", "id")
