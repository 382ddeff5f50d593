"""Notifications and scheduled runs in the admin: to look up, never to write (the schedules do)."""

from django.contrib import admin

from .models import Notification, ScheduledRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at", "resolved_at", "emailed_at")
    list_filter = ("kind", "delivery")
    list_select_related = ("user",)
    search_fields = ("title", "user__username")
    date_hierarchy = "created_at"


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ("name", "day", "started_at", "finished_at")
    list_filter = ("name",)
    date_hierarchy = "day"
