from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiCall, ApiClient
from .services import api_client_issue

SECRET_ONCE = _(
    "Token untuk {name}: {secret} — salin sekarang, token ini tidak akan ditampilkan lagi "
    "(yang disimpan hanya hash-nya). Kirim sebagai header Authorization: Bearer <token>."
)


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "level", "city", "province_code", "personal_data", "is_active", "last_used_at")
    list_filter = ("level", "personal_data", "is_active")
    search_fields = ("name", "prefix")
    fields = (
        "name",
        "level",
        "city",
        "province_code",
        "personal_data",
        "is_active",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
    )
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        secret = api_client_issue(obj, created_by=request.user)
        # Shown once: the next page displays it and the message is gone; only the hash stays.
        messages.warning(request, SECRET_ONCE.format(name=obj.name, secret=secret))


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ("at", "client", "method", "path", "query_string", "status_code", "duration_ms")
    list_filter = ("status_code", "method", "client")
    list_select_related = ("client",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
