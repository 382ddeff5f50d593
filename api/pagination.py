"""Cursor pagination by id: stable while rows are added, one query per page, no count."""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # A hand-made cursor whose position is no id (or too large for one) would reach the
        # database as a bad value: a 500 instead of a 404.
        position = None if cursor is None else cursor.position
        if position is not None and not (str(position).isdigit() and len(str(position)) <= 18):
            raise NotFound(self.invalid_cursor_message)
        return cursor
