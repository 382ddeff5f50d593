from django.contrib import admin

from .models import ExportRecord


class ReadOnlyAdminMixin:
    """A record nobody edits in the admin, not even admins: an audit trail."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: an audit trail is not edited, not even by admins."""

    list_display = ("created_at", "actor", "source", "what", "file_format", "is_unmasked", "group_count")
    list_filter = ("source", "is_unmasked", "file_format", "what")
    search_fields = ("actor", "what")
    date_hierarchy = "created_at"


def _system_administrator(request) -> bool:
    """The Django admin reads and edits every city's rows, so it is the installation's
    system administrators' (superusers') tool; a city's staff work through the pages,
    which scope everything by their area (groups.areas)."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _system_administrator
