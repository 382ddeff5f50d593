from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kube_registry.masking import can_see_personal_data, present_personal

from .models import City, FacilitatorArea, Kecamatan, Kelurahan, Kube, Membership, Person, UserArea


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
    masked_list_display = ("name", "masked_nik", "sex", "age", "is_dtks", "is_pkh")
    search_fields = ("name", "nik", "kk")
    list_filter = ("sex", "is_dtks", "is_pkh")

    def get_list_display(self, request):
        # Only administrators reach the admin, but the masking rule holds here too.
        return self.list_display if can_see_personal_data(request.user) else self.masked_list_display

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj):
        return present_personal(can_see=False, nik=obj.nik).nik

    @admin.display(description=_("usia"))
    def age(self, obj):
        return present_personal(can_see=False, birth_on=obj.birth_on).birth


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


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "province_code", "province_name")
    search_fields = ("code", "name")


class UserAreaInline(admin.StackedInline):
    """Where the user works: a city (officers, facilitators), or a province or the country
    (observers). Without one, the installation's city."""

    model = UserArea
    can_delete = True
    extra = 0
    max_num = 1


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserWithAreaAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, UserAreaInline]
    list_display = (*UserAdmin.list_display, "area")
    list_select_related = ("area__city",)
