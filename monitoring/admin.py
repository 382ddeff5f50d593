"""The field's records in the admin: to look up and, for a visit recorded by mistake, to
delete. Visits and follow-ups are written only through the services (their rules:
attendance on the visit's date, the dynamics scale, stripped photos), so not here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FollowUp, Visit


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = ("kube", "visited_on", "kind", "visitor")
    list_filter = ("kind",)
    list_select_related = ("kube", "visitor")
    search_fields = ("kube__name", "kube__no_registrasi")
    date_hierarchy = "visited_on"
    exclude = ("attendees",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ("action", "kube", "owner", "due_on", "closed_on")
    list_filter = ("owner",)
    list_select_related = ("kube",)
    search_fields = ("action", "kube__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
