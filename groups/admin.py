from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FacilitatorArea, Kecamatan, Kelurahan, Kube, Membership, Person


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kecamatan")
    list_filter = ("kecamatan",)
    search_fields = ("code", "name")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Kube)
class KubeAdmin(SimpleHistoryAdmin):
    list_display = ("no_registrasi", "name", "kelurahan", "business_field", "facilitator", "status")
    list_filter = ("status", "business_field", "kelurahan__kecamatan")
    search_fields = ("no_registrasi", "name")
    list_select_related = ("kelurahan", "facilitator")
    raw_id_fields = ("facilitator",)
    inlines = [MembershipInline]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "nik", "sex", "birth_on", "is_dtks", "is_pkh")
    search_fields = ("name", "nik", "kk")
    list_filter = ("sex", "is_dtks", "is_pkh")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("person", "kube", "role", "joined_on", "left_on", "leave_reason")
    list_filter = ("role", "leave_reason")
    search_fields = ("person__name", "person__nik", "kube__name", "kube__no_registrasi")
    list_select_related = ("person", "kube")
    autocomplete_fields = ("person", "kube")


@admin.register(FacilitatorArea)
class FacilitatorAreaAdmin(admin.ModelAdmin):
    list_display = ("facilitator", "kelurahan", "created_by", "created_at")
    list_filter = ("kelurahan__kecamatan",)
    search_fields = ("facilitator__username", "kelurahan__name")
    autocomplete_fields = ("kelurahan",)
    raw_id_fields = ("facilitator",)
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
