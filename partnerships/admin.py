from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from groups.areas import KUBE_CITY, area_of, city_of
from groups.models import City
from kube_registry.admin import ReadOnlyAdminMixin

from .models import FORM_FIELDS, Partner, PartnerMerge, Partnership, partner_name_clean, partner_name_key
from .services import partner_name_check


class PartnerAdminForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ("city", "name", "kind", "contact", "notes")

    actor_city = None  # the admin's own city (set by PartnerAdmin.get_form): a new partner's

    def clean(self):
        cleaned = super().clean()
        city = cleaned.get("city") or (self.instance.city if self.instance.pk else self.actor_city)
        if "name" in cleaned and city is not None:
            name = partner_name_clean(cleaned["name"])
            try:
                partner_name_check(name, city=city, exclude=self.instance if self.instance.pk else None)
            except ValidationError as exc:
                self.add_error("name", exc.message_dict["name"])
            cleaned["name"] = name
        return cleaned


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    form = PartnerAdminForm
    list_display = ("name", "city", "kind", "contact", "partnership_count")
    list_filter = ("city", "kind")
    search_fields = ("name", "name_key", "contact")
    readonly_fields = ("name_key",)
    actions = ["merge_selected"]

    def get_queryset(self, request):
        # The admin's own area's partners, as on the pages (another city's: not found).
        queryset = super().get_queryset(request).filter(area_of(request.user).q("city"))
        return queryset.select_related("city").annotate(partnership_count=Count("partnerships"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor_city = city_of(request.user)
        return form

    def get_exclude(self, request, obj=None):
        # An admin of one city registers partners in it; a province's or the country's picks the city.
        if obj is None and city_of(request.user) is not None:
            return ("city",)
        return super().get_exclude(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A partner stays in its city: its partnerships are that city's groups'.
        return (*self.readonly_fields, "city") if obj is not None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "city":
            area = area_of(request.user)
            kwargs["queryset"] = City.objects.filter(
                pk__in=[pk for pk, code in City.objects.values_list("pk", "code") if area.holds_city(code)]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("kemitraan"), ordering="partnership_count")
    def partnership_count(self, obj):
        return obj.partnership_count

    def save_model(self, request, obj, form, change):
        if not change and obj.city_id is None:
            obj.city = city_of(request.user)
        obj.name_key = partner_name_key(obj.name)
        super().save_model(request, obj, form, change)

    def has_merge_permission(self, request):
        return request.user.has_perm("partnerships.merge_partner")

    @admin.action(description=gettext_lazy("Gabungkan dua mitra ganda"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        """Opens the merge page for the two selected partners; the one with more partnerships stays."""
        chosen = list(queryset.order_by("-partnership_count", "pk")[:3])
        if len(chosen) != 2:
            self.message_user(request, _("Pilih tepat dua mitra untuk digabungkan."), messages.WARNING)
            return None
        keep, duplicate = chosen
        url = reverse("partnerships:partner_merge", kwargs={"pk": keep.pk})
        return redirect(f"{url}?duplicate={duplicate.pk}")


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ("kube", "partner", "forms_display", "started_on", "ended_on")
    list_filter = ("partner__kind", *FORM_FIELDS.values())
    search_fields = ("kube__name", "kube__no_registrasi", "partner__name")
    list_select_related = ("kube", "partner")
    autocomplete_fields = ("kube", "partner")
    date_hierarchy = "started_on"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(area_of(request.user).q(f"kube__{KUBE_CITY}"))

    @admin.display(description=gettext_lazy("bentuk kemitraan"))
    def forms_display(self, obj):
        return obj.forms_display


@admin.register(PartnerMerge)
class PartnerMergeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("removed_name", "kept", "partnerships_moved", "partnerships_combined", "merged_by", "merged_at")
    list_select_related = ("kept", "merged_by")
    search_fields = ("removed_name", "kept__name")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(area_of(request.user).q("kept__city"))
