"""Pages of the registry: the group and member forms (the home, list and profile are in pages/).

Access: anonymous users are sent to sign in; a signed-in user without the permission
gets 403; a group outside `visible_to(user)` is 404, whatever the URL.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from kube_registry.form_views import ServiceFormMixin
from kube_registry.masking import can_see_personal_data, mask_validation_error
from kube_registry.roles import RoleRequiredMixin

from . import services
from .areas import area_of
from .forms import KubeForm, MemberAddForm, MemberLeaveForm, PersonForm, RoleForm
from .models import Kube, Membership
from .selectors import kube_queryset


class KubeScopedMixin(RoleRequiredMixin):
    """The group named in the URL, looked up among those the user may see (else 404)."""

    scope = ("kube",)

    @cached_property
    def kube(self) -> Kube:
        return get_object_or_404(kube_queryset(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"kube": self.kube}

    def get_success_url(self, result=None):
        return self.kube.get_absolute_url()


class KubeCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "groups.add_kube"
    form_class = KubeForm
    template_name = "groups/kube_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"area": area_of(self.request.user)}

    def perform(self, form):
        kube = services.kube_create(actor=self.request.user, **form.cleaned_data)
        self.success_message = _("KUBE {name} terdaftar dengan nomor {no}.").format(
            name=kube.name, no=kube.no_registrasi
        )
        return kube

    def get_success_url(self, result=None):
        return result.get_absolute_url()


class KubeUpdateView(KubeScopedMixin, ServiceFormMixin, FormView):
    permission_required = "groups.change_kube"
    form_class = KubeForm
    template_name = "groups/kube_form.html"
    success_message = gettext_lazy("Data KUBE disimpan.")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "instance": self.kube,
            "area": area_of(self.request.user),
            "can_assign": self.request.user.has_perm("groups.view_all_kube"),
        }

    def edited_object(self):
        return self.kube

    def perform(self, form):
        # The ModelForm has already copied the input onto self.kube; the service reloads it.
        return services.kube_update(
            actor=self.request.user, kube=self.kube, version=self.form_version, **form.cleaned_data
        )


class MemberAddView(KubeScopedMixin, ServiceFormMixin, FormView):
    permission_required = "groups.add_membership"
    form_class = MemberAddForm
    template_name = "groups/membership_form.html"

    def perform(self, form):
        data = form.cleaned_data
        membership = services.membership_add(actor=self.request.user, kube=self.kube, **data)
        # The reply speaks of what was typed, never of what was stored before: the NIK
        # may be a known person's (a former member rejoining).
        checked = services.person_check(nik=data["nik"], sex=data["sex"], birth_on=data["birth_on"], kk=data["kk"])
        self.warnings = checked["warnings"]
        self.success_message = _("{name} ditambahkan sebagai {role}.").format(
            name=data["name"].strip(), role=membership.get_role_display().lower()
        )
        return membership


class MembershipScopedMixin(KubeScopedMixin):
    """The membership in the URL, among those of this group the user may reach (else 404):
    a facilitator reaches a person only through an active membership of their group."""

    scope = ("kube", "membership")

    @cached_property
    def membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.visible_to(self.request.user).select_related("person"),
            kube=self.kube,
            pk=self.kwargs["membership_pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"membership": self.membership}


class MemberRoleView(MembershipScopedMixin, ServiceFormMixin, FormView):
    permission_required = "groups.change_membership"
    form_class = RoleForm
    template_name = "groups/membership_role.html"

    def get_initial(self):
        return {"role": self.membership.role}

    def edited_object(self):
        return self.membership

    def perform(self, form):
        membership = services.membership_change_role(
            actor=self.request.user,
            membership=self.membership,
            role=form.cleaned_data["role"],
            version=self.form_version,
        )
        self.success_message = _("Jabatan {name} sekarang {role}.").format(
            name=membership.person.name, role=membership.get_role_display().lower()
        )
        return membership


class MemberLeaveView(MembershipScopedMixin, ServiceFormMixin, FormView):
    permission_required = "groups.change_membership"
    form_class = MemberLeaveForm
    template_name = "groups/membership_leave.html"

    def edited_object(self):
        return self.membership

    def perform(self, form):
        membership = services.membership_end(
            actor=self.request.user,
            membership=self.membership,
            left_on=form.cleaned_data["left_on"],
            reason=form.cleaned_data["leave_reason"],
            version=self.form_version,
        )
        self.success_message = _("{name} tercatat keluar.").format(name=membership.person.name)
        return membership


class PersonUpdateView(MembershipScopedMixin, ServiceFormMixin, FormView):
    permission_required = "groups.change_person"
    form_class = PersonForm
    template_name = "groups/person_form.html"
    success_message = gettext_lazy("Data anggota disimpan.")

    @cached_property
    def can_see_personal_data(self) -> bool:
        return can_see_personal_data(self.request.user)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"masked": not self.can_see_personal_data}

    def get_initial(self):
        # Masked users get the identity fields empty (the masking rule: never a full
        # NIK, KK, phone or birth date), to type anew or leave unchanged.
        person = self.membership.person
        fields = ["name", "sex", "is_dtks", "is_pkh"]
        if self.can_see_personal_data:
            fields += ["nik", "kk", "birth_on", "phone"]
        return {f: getattr(person, f) for f in fields}

    def edited_object(self):
        return self.membership.person

    def perform(self, form):
        values = dict(form.cleaned_data)
        if not self.can_see_personal_data:
            # Masked fields left empty mean "unchanged"; a typed value replaces the stored one.
            for name in PersonForm.MASKED_FIELDS:
                if values[name] in (None, ""):
                    del values[name]
            try:
                return services.person_update(
                    actor=self.request.user, person=self.membership.person, version=self.form_version, **values
                )
            except ValidationError as exc:
                # The NIK checks quote the stored NIK's date; a masked user may not read it.
                raise mask_validation_error(exc) from None
        return services.person_update(
            actor=self.request.user, person=self.membership.person, version=self.form_version, **values
        )
