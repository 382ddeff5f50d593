"""Cursor pagination by id: stable while rows are added, one query per page, no count."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_description = _("Penanda halaman: salin dari `next` atau `previous` jawaban sebelumnya.")
    page_size_query_description = _("Baris per halaman (bawaan 100, paling banyak 500).")
    invalid_cursor_message = _("Penanda halaman tidak sah.")

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # A hand-made cursor whose position is no id (or too large for one) would reach the
        # database as a bad value: a 500 instead of a 404.
        position = None if cursor is None else cursor.position
        if position is not None and not (str(position).isdigit() and len(str(position)) <= 18):
            raise NotFound(self.invalid_cursor_message)
        return cursor
