from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from kube_registry.admin import ReadOnlyAdminMixin

from .models import FORM_FIELDS, Partner, PartnerMerge, Partnership, partner_name_clean, partner_name_key
from .services import partner_name_check


class PartnerAdminForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ("name", "kind", "contact", "notes")

    def clean_name(self):
        name = partner_name_clean(self.cleaned_data["name"])
        try:
            partner_name_check(name, exclude=self.instance if self.instance.pk else None)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["name"]) from exc
        return name


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    form = PartnerAdminForm
    list_display = ("name", "kind", "contact", "partnership_count")
    list_filter = ("kind",)
    search_fields = ("name", "name_key", "contact")
    readonly_fields = ("name_key",)
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(partnership_count=Count("partnerships"))

    @admin.display(description=gettext_lazy("kemitraan"), ordering="partnership_count")
    def partnership_count(self, obj):
        return obj.partnership_count

    def save_model(self, request, obj, form, change):
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

    @admin.display(description=gettext_lazy("bentuk kemitraan"))
    def forms_display(self, obj):
        return obj.forms_display


@admin.register(PartnerMerge)
class PartnerMergeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("removed_name", "kept", "partnerships_moved", "partnerships_combined", "merged_by", "merged_at")
    list_select_related = ("kept", "merged_by")
    search_fields = ("removed_name", "kept__name")
