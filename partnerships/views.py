"""Pages of the partner network: a group's partnerships, the city's partners, merging.

Access as in the registry: anonymous users are sent to sign in; a signed-in user
without the permission gets 403; a group outside `visible_to(user)` is 404, and so is
a partnership that is not the URL's group's. The city pages need `view_all_kube` too,
so a facilitator (who sees only their own groups) gets 403 there.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from groups.areas import area_of, city_of
from groups.models import Kube
from groups.views import KubeScopedMixin
from kube_registry.downloads import export_response
from kube_registry.form_views import ServiceFormMixin
from kube_registry.roles import RoleRequiredMixin

from . import services
from .exports import kemitraan_csv_bytes, kemitraan_xlsx_bytes
from .forms import (
    CityFilterForm,
    PartnerForm,
    PartnerMergeForm,
    PartnershipAddForm,
    PartnershipEditForm,
    PartnershipEndForm,
)
from .models import Partner, PartnerKind, Partnership, PartnershipForm
from .selectors import (
    city_kubes,
    city_partnerships,
    kubes_without_partner,
    network_totals,
    partner_merges,
    partner_partnerships,
    partner_summary,
    partners_visible_to,
)

CITY_PERMISSIONS = ("partnerships.view_partner", "groups.view_all_kube")
FORM_METHODS = ["get", "head", "post"]
READ_METHODS = ["get", "head"]


# --- A group's partnerships -------------------------------------------------------------


class PartnershipAddView(KubeScopedMixin, ServiceFormMixin, FormView):
    permission_required = "partnerships.add_partnership"
    form_class = PartnershipAddForm
    template_name = "partnerships/partnership_form.html"
    http_method_names = FORM_METHODS

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "city_id": self.kube.kelurahan.kecamatan.city_id,  # the group's city's partners only
            "can_add_partner": self.request.user.has_perm("partnerships.add_partner"),
        }

    def perform(self, form):
        data = form.cleaned_data
        when = {"forms": data["forms"], "started_on": data["started_on"], "ended_on": data["ended_on"]}
        if data["partner"] is None:
            partnership = services.partnership_add_with_new_partner(
                actor=self.request.user,
                kube=self.kube,
                new_partner_name=data["new_partner_name"],
                new_partner_kind=data["new_partner_kind"],
                **when,
            )
        else:
            partnership = services.partnership_add(
                actor=self.request.user, kube=self.kube, partner=data["partner"], **when
            )
        self.success_message = _("Kemitraan dengan {partner} dicatat ({forms}).").format(
            partner=partnership.partner.name, forms=partnership.forms_display
        )
        return partnership

    def get_success_url(self, result=None):
        return f"{self.kube.get_absolute_url()}#kemitraan"


class PartnershipScopedMixin(KubeScopedMixin):
    scope = ("kube", "partnership")
    http_method_names = FORM_METHODS

    @cached_property
    def partnership(self) -> Partnership:
        return get_object_or_404(
            Partnership.objects.select_related("partner"), kube=self.kube, pk=self.kwargs["partnership_pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"partnership": self.partnership}

    def get_success_url(self, result=None):
        return f"{self.kube.get_absolute_url()}#kemitraan"


class PartnershipUpdateView(PartnershipScopedMixin, ServiceFormMixin, FormView):
    permission_required = "partnerships.change_partnership"
    form_class = PartnershipEditForm
    template_name = "partnerships/partnership_edit.html"

    def get_initial(self):
        return PartnershipEditForm.initial_for(self.partnership)

    def edited_object(self):
        return self.partnership

    def perform(self, form):
        partnership = services.partnership_update(
            actor=self.request.user, partnership=self.partnership, version=self.form_version, **form.cleaned_data
        )
        self.success_message = _("Kemitraan dengan {partner} disimpan.").format(partner=partnership.partner.name)
        return partnership


class PartnershipEndView(PartnershipScopedMixin, ServiceFormMixin, FormView):
    permission_required = "partnerships.change_partnership"
    form_class = PartnershipEndForm
    template_name = "partnerships/partnership_end.html"

    def edited_object(self):
        return self.partnership

    def perform(self, form):
        partnership = services.partnership_end(
            actor=self.request.user,
            partnership=self.partnership,
            ended_on=form.cleaned_data["ended_on"],
            version=self.form_version,
        )
        self.success_message = _("Kemitraan dengan {partner} tercatat berakhir.").format(
            partner=partnership.partner.name
        )
        return partnership


# --- The city's partners ----------------------------------------------------------------


def city_filters(request) -> tuple[CityFilterForm, dict]:
    """The city view's filter form, bound to the query string, and its clean values ({} if invalid)."""
    form = CityFilterForm(request.GET or None, area=area_of(request.user))
    return form, (form.cleaned_data if form.is_valid() else {})


class PartnerListView(RoleRequiredMixin, TemplateView):
    """Every partner with the groups it works with, by form, and the groups with none."""

    permission_required = CITY_PERMISSIONS
    template_name = "partnerships/partner_list.html"
    http_method_names = READ_METHODS
    without_page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, filters = city_filters(self.request)
        day = filters.get("day") or timezone.localdate()
        kind = filters.get("kind") or ""
        kubes = city_kubes(self.request.user, kecamatan=filters.get("kecamatan"))
        without = kubes_without_partner(kubes=kubes, day=day, kind=kind)
        paginator, page, without_rows, is_paginated = self.paginate(without)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            day=day,
            is_today=day == timezone.localdate(),
            kind_label=PartnerKind(kind).label if kind else "",
            partners=list(partner_summary(area=area_of(self.request.user), kubes=kubes, day=day, kind=kind)),
            totals=network_totals(kubes=kubes, day=day, kind=kind),
            forms=PartnershipForm.choices,
            without=without_rows,
            paginator=paginator,
            page_obj=page,
            is_paginated=is_paginated,
            query_without_page=query.urlencode(),
        )
        return context

    def paginate(self, queryset):
        paginator = Paginator(queryset, self.without_page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, paginator.num_pages > 1


class PartnershipExportView(RoleRequiredMixin, View):
    """The kemitraan sheet (past partnerships too) of the groups and partner kind the city view shows."""

    permission_required = CITY_PERMISSIONS
    http_method_names = READ_METHODS

    def get(self, request, *args, **kwargs):
        _form, filters = city_filters(request)
        kubes = city_kubes(request.user, kecamatan=filters.get("kecamatan"))
        partnerships = city_partnerships(kubes, kind=filters.get("kind") or "")
        if request.GET.get("format") == "csv":
            content, extension = kemitraan_csv_bytes(partnerships), "csv"
        else:
            content, extension = kemitraan_xlsx_bytes(partnerships), "xlsx"
        # The kemitraan sheet names groups and partners, no person: nothing to mask.
        return export_response(
            request,
            what="kemitraan",
            fmt=extension,
            content=content,
            filename=f"kemitraan.{extension}",
            is_unmasked=False,
        )


class PartnerScopedMixin(RoleRequiredMixin):
    """The partner in the URL among the user's area's (else 404, before any 403): a
    partner of another city answers as one that does not exist."""

    scope = ("partner",)
    http_method_names = FORM_METHODS

    @cached_property
    def partner(self) -> Partner:
        return get_object_or_404(partners_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"partner": self.partner}

    def get_success_url(self, result=None):
        return self.partner.get_absolute_url()


class PartnerDetailView(PartnerScopedMixin, TemplateView):
    permission_required = CITY_PERMISSIONS
    template_name = "partnerships/partner_detail.html"
    http_method_names = READ_METHODS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = self.partner
        kubes = Kube.objects.visible_to(self.request.user)
        context.update(
            network=partner_partnerships(partner, kubes=kubes, day=timezone.localdate()),
            forms=PartnershipForm.choices,
            merges=partner_merges(partner),
        )
        return context


class PartnerCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "partnerships.add_partner"
    form_class = PartnerForm
    template_name = "partnerships/partner_form.html"
    http_method_names = FORM_METHODS

    @cached_property
    def city(self):
        return city_of(self.request.user)

    def get_form(self, form_class=None):
        if self.city is None:
            # A province's or the country's reader registers nothing (fail closed).
            raise PermissionDenied
        return super().get_form(form_class)

    def perform(self, form):
        partner = services.partner_create(actor=self.request.user, city=self.city, **form.cleaned_data)
        self.success_message = _("Mitra {name} terdaftar.").format(name=partner.name)
        return partner

    def get_success_url(self, result=None):
        return result.get_absolute_url()


class PartnerUpdateView(PartnerScopedMixin, ServiceFormMixin, FormView):
    permission_required = "partnerships.change_partner"
    form_class = PartnerForm
    template_name = "partnerships/partner_form.html"
    success_message = gettext_lazy("Data mitra disimpan.")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": Partner.objects.get(pk=self.partner.pk)}

    def edited_object(self):
        return self.partner

    def perform(self, form):
        return services.partner_update(
            actor=self.request.user, partner=self.partner, version=self.form_version, **form.cleaned_data
        )


class PartnerMergeView(PartnerScopedMixin, ServiceFormMixin, FormView):
    """Admins fold a duplicate partner into this one (also reached from the Django admin's action)."""

    permission_required = "partnerships.merge_partner"
    form_class = PartnerMergeForm
    template_name = "partnerships/partner_merge.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"keep": self.partner}

    def get_initial(self):
        return {"remove": self.request.GET.get("duplicate")}

    def perform(self, form):
        removed = form.cleaned_data["remove"]
        removed_name = removed.name
        result = services.partner_merge(actor=self.request.user, keep=self.partner, remove=removed)
        self.success_message = _(
            "Mitra {removed} digabung ke {kept}: {moved} kemitraan dipindahkan, {combined} disatukan."
        ).format(removed=removed_name, kept=result.kept.name, moved=result.moved, combined=result.combined)
        return result
