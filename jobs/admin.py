from django.contrib import admin

from .models import Job, WorkerBeat


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are made by the pages and run by workers."""

    list_display = ("id", "kind", "status", "created_by", "created_at", "started_at", "finished_at", "attempts")
    list_filter = ("kind", "status")
    exclude = ("content",)
    readonly_fields = [f.name for f in Job._meta.fields if f.name != "content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "hostname", "pid", "started_at", "beat_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
