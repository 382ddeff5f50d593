"""Pages of formation: proposals and their review, waiting lists, stages, replacements.

Access as in the registry: anonymous users are sent to sign in; a signed-in user
without the permission gets 403 (a facilitator who tries to approve); a proposal or
family outside `visible_to(user)` is 404 (another facilitator's proposal), whatever
the URL. One-shot actions (submit, pick, remove, place) are POST-only.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from groups.areas import area_of
from groups.models import Kelurahan, work_area
from groups.views import KubeScopedMixin
from kube_registry.downloads import export_response
from kube_registry.form_views import ServiceFormMixin, action_run
from kube_registry.masking import can_see_personal_data
from kube_registry.roles import RoleRequiredMixin

from . import services
from .exports import usulan_csv_bytes, usulan_xlsx_bytes
from .forms import (
    ApproveForm,
    CandidateForm,
    PickCandidatesForm,
    ProposalCandidateForm,
    ProposalFilterForm,
    ProposalForm,
    ReasonForm,
    StageForm,
    WaitingListForm,
)
from .models import Candidate, Proposal, ProposalCandidate, ProposalStatus
from .selectors import (
    proposal_decisions,
    proposal_review,
    proposal_waiting_candidates,
    proposals_filtered,
    ranked_candidates,
    waiting_counts_by_kelurahan,
)

CANDIDATE_VALUE_FIELDS = services.CANDIDATE_FIELDS


def _filtered_proposals(request):
    form = ProposalFilterForm(request.GET or None, area=area_of(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    return form, proposals_filtered(request.user, status=filters.get("status"), kelurahan=filters.get("kelurahan"))


# --- Proposals ----------------------------------------------------------------------------


class ProposalListView(RoleRequiredMixin, TemplateView):
    permission_required = "formation.view_proposal"
    template_name = "formation/proposal_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, proposals = _filtered_proposals(self.request)
        page = Paginator(proposals.order_by("-proposed_on", "-pk"), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            proposals=page.object_list,
            query_without_page=query.urlencode(),
        )
        return context


class ProposalExportView(RoleRequiredMixin, View):
    """The proposal list as filtered, one row per candidate: the `usulan` sheet, readable by the import."""

    permission_required = "formation.view_proposal"
    http_method_names = ["get", "head"]

    def get(self, request, fmt: str):
        _form, proposals = _filtered_proposals(request)
        hide = not can_see_personal_data(request.user)
        if fmt == "csv":
            content = usulan_csv_bytes(proposals, mask=hide)
        else:
            fmt = "xlsx"
            content = usulan_xlsx_bytes(proposals, mask=hide)
        return export_response(
            request, what="usulan", fmt=fmt, content=content, filename=f"usulan.{fmt}", is_unmasked=not hide
        )


class ProposalCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "formation.add_proposal"
    form_class = ProposalForm
    template_name = "formation/proposal_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "area": area_of(self.request.user),
            "can_assign": self.request.user.has_perm("formation.view_all_proposal"),
            "kelurahans": work_area(self.request.user),
        }

    def perform(self, form):
        proposal = services.proposal_create(actor=self.request.user, **form.cleaned_data)
        self.success_message = _("Usulan {code} dibuat. Tambahkan calon anggotanya, lalu ajukan.").format(
            code=proposal.code
        )
        return proposal

    def get_success_url(self, result=None):
        return result.get_absolute_url()


class ProposalScopedMixin(RoleRequiredMixin):
    """The proposal in the URL among those the user may see (else 404)."""

    scope = ("proposal",)

    @cached_property
    def proposal(self) -> Proposal:
        return get_object_or_404(
            Proposal.objects.visible_to(self.request.user).select_related(
                "kelurahan__kecamatan", "facilitator", "kube"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"proposal": self.proposal}

    def get_success_url(self, result=None):
        return self.proposal.get_absolute_url()


class ProposalUpdateView(ProposalScopedMixin, ServiceFormMixin, FormView):
    permission_required = "formation.change_proposal"
    form_class = ProposalForm
    template_name = "formation/proposal_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "instance": Proposal.objects.get(pk=self.proposal.pk),
            "area": area_of(self.request.user),
            "can_assign": self.request.user.has_perm("formation.view_all_proposal"),
            # A proposal drafted before work areas keeps its kelurahan.
            "kelurahans": work_area(self.request.user) | Kelurahan.objects.filter(pk=self.proposal.kelurahan_id),
        }

    def edited_object(self):
        return self.proposal

    def perform(self, form):
        self.success_message = _("Usulan disimpan.")
        return services.proposal_update(
            actor=self.request.user, proposal=self.proposal, version=self.form_version, **form.cleaned_data
        )


class ProposalDetailView(ProposalScopedMixin, TemplateView):
    permission_required = "formation.view_proposal"
    template_name = "formation/proposal_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        proposal = self.proposal
        can_edit = proposal.is_editable and user.has_perm("formation.change_proposal")
        can_add = proposal.is_editable and user.has_perm("formation.add_proposalcandidate")
        waiting = proposal_waiting_candidates(proposal, user=user) if can_add else []
        context.update(
            review=proposal_review(proposal, viewer=self.request.user),
            decisions=proposal_decisions(proposal),
            can_edit=can_edit,
            can_add=can_add,
            can_decide=proposal.status == ProposalStatus.DIAJUKAN and user.has_perm("formation.decide_proposal"),
            waiting=waiting,
            approve_form=ApproveForm(),
            reason_form=ReasonForm(),
        )
        return context


class ProposalCandidateAddView(ProposalScopedMixin, ServiceFormMixin, FormView):
    """A family typed in on the proposal: recorded on the waiting list (or updated by NIK) and put on it."""

    permission_required = "formation.add_proposalcandidate"
    form_class = ProposalCandidateForm
    template_name = "formation/proposal_candidate_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "kelurahan": self.proposal.kelurahan,
            "kelurahans": work_area(self.request.user),
        }

    def perform(self, form):
        data = form.cleaned_data
        candidate = services.proposal_candidate_create(
            actor=self.request.user,
            proposal=self.proposal,
            nik=data["nik"],
            role=data["role"],
            **{name: data[name] for name in CANDIDATE_VALUE_FIELDS},
        )
        self.success_message = _("{name} ditambahkan ke usulan.").format(name=candidate.name)
        return candidate

    def get_success_url(self, result=None):
        return f"{self.proposal.get_absolute_url()}#calon"


class ProposalCandidatePickView(ProposalScopedMixin, View):
    http_method_names = ["post"]
    permission_required = "formation.add_proposalcandidate"

    def post(self, request, *args, **kwargs):
        queryset = Candidate.objects.visible_to(request.user)
        form = PickCandidatesForm(request.POST, queryset=queryset)
        if not form.is_valid():
            messages.error(request, _("Pilih paling sedikit satu calon dari daftar tunggu."))
            return redirect(f"{self.proposal.get_absolute_url()}#calon")
        action_run(
            request,
            lambda: services.proposal_candidates_add(
                actor=request.user, proposal=self.proposal, candidates=form.cleaned_data["candidates"]
            ),
            success=lambda added: _("Ditambahkan ke usulan: {names}.").format(names=", ".join(c.name for c in added)),
        )
        return redirect(f"{self.proposal.get_absolute_url()}#calon")


class ProposalCandidateRemoveView(ProposalScopedMixin, View):
    http_method_names = ["post"]
    permission_required = "formation.change_proposal"
    scope = ("proposal", "entry")

    @cached_property
    def entry(self) -> ProposalCandidate:
        return get_object_or_404(
            ProposalCandidate.objects.select_related("candidate", "proposal"),
            proposal=self.proposal,
            pk=self.kwargs["entry_pk"],
        )

    def post(self, request, *args, **kwargs):
        entry = self.entry
        action_run(
            request,
            lambda: services.proposal_candidate_remove(actor=request.user, entry=entry),
            success=lambda _result: _("{name} dikeluarkan dari usulan; tetap di daftar tunggu.").format(
                name=entry.candidate.name
            ),
        )
        return redirect(f"{self.proposal.get_absolute_url()}#calon")


class ProposalSubmitView(ProposalScopedMixin, View):
    http_method_names = ["post"]
    permission_required = "formation.change_proposal"

    def post(self, request, *args, **kwargs):
        action_run(
            request,
            lambda: services.proposal_submit(actor=request.user, proposal=self.proposal),
            success=lambda _result: _("Usulan {code} diajukan ke Dinas Sosial.").format(code=self.proposal.code),
        )
        return redirect(self.proposal.get_absolute_url())


class DecisionViewMixin(ProposalScopedMixin, ServiceFormMixin):
    permission_required = "formation.decide_proposal"
    http_method_names = ["get", "head", "post"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"review": proposal_review(self.proposal, viewer=self.request.user)}

    def edited_object(self):
        return self.proposal  # decided as the officer read it


class ProposalApproveView(DecisionViewMixin, FormView):
    form_class = ApproveForm
    template_name = "formation/proposal_approve.html"

    def perform(self, form):
        kube = services.proposal_approve(
            actor=self.request.user,
            proposal=self.proposal,
            exception_reason=form.cleaned_data["exception_reason"],
            version=self.form_version,
        )
        self.success_message = _("Usulan disetujui: {name} terdaftar dengan nomor {no}, tahap pelaksanaan.").format(
            name=kube.name, no=kube.no_registrasi
        )
        return kube

    def get_success_url(self, result=None):
        return result.get_absolute_url()


class ProposalReasonView(DecisionViewMixin, FormView):
    """Return or reject: a decision that needs a reason."""

    form_class = ReasonForm
    template_name = "formation/proposal_decide.html"
    action = ""
    service = None
    message = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"action": self.action}

    def perform(self, form):
        type(self).service(
            actor=self.request.user,
            proposal=self.proposal,
            reason=form.cleaned_data["reason"],
            version=self.form_version,
        )
        self.success_message = self.message
        return self.proposal


class ProposalReturnView(ProposalReasonView):
    action = "return"
    service = services.proposal_return
    message = gettext_lazy("Usulan dikembalikan ke pengusul dengan alasan.")


class ProposalRejectView(ProposalReasonView):
    action = "reject"
    service = services.proposal_reject
    message = gettext_lazy("Usulan ditolak.")


# --- Waiting lists ------------------------------------------------------------------------


class CandidateListView(RoleRequiredMixin, TemplateView):
    """The waiting families of one kelurahan, ranked; without a kelurahan, the counts per kelurahan."""

    permission_required = "formation.view_candidate"
    template_name = "formation/candidate_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Candidate.objects.visible_to(self.request.user)
        form = WaitingListForm(self.request.GET or None, kelurahans=work_area(self.request.user))
        kelurahan = form.cleaned_data["kelurahan"] if form.is_valid() else None
        context["form"] = form
        context["kelurahan"] = kelurahan
        if kelurahan is None:
            context["counts"] = waiting_counts_by_kelurahan(visible)
            return context
        page = Paginator(ranked_candidates(visible.filter(kelurahan=kelurahan)), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        context.update(
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            candidates=page.object_list,
            first_rank=page.start_index(),
            query_without_page=f"kelurahan={kelurahan.pk}",
        )
        return context


class CandidateCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "formation.add_candidate"
    form_class = CandidateForm
    template_name = "formation/candidate_form.html"

    def get_form_kwargs(self):
        area = work_area(self.request.user)
        kelurahan = area.filter(pk=self.request.GET.get("kelurahan") or None).first()
        return super().get_form_kwargs() | {"kelurahan": kelurahan, "kelurahans": area}

    def perform(self, form):
        data = form.cleaned_data
        candidate = services.candidate_save(
            actor=self.request.user, nik=data["nik"], **{name: data[name] for name in CANDIDATE_VALUE_FIELDS}
        )
        self.success_message = _("{name} tercatat di daftar tunggu Kelurahan {kelurahan}.").format(
            name=candidate.name, kelurahan=candidate.kelurahan.name
        )
        return candidate

    def get_success_url(self, result=None):
        return f"{_candidate_list_url()}?kelurahan={result.kelurahan_id}"


def _candidate_list_url() -> str:
    return reverse("formation:candidate_list")


class CandidateUpdateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "formation.change_candidate"
    form_class = CandidateForm
    template_name = "formation/candidate_form.html"

    scope = ("candidate",)

    @cached_property
    def candidate(self) -> Candidate:
        return get_object_or_404(Candidate.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    @cached_property
    def can_see_personal_data(self) -> bool:
        return can_see_personal_data(self.request.user)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "masked": not self.can_see_personal_data,
            "kelurahans": work_area(self.request.user),
        }

    def get_initial(self):
        # Masked users get the identity fields empty (kube_registry.masking), to type anew.
        fields = [*CANDIDATE_VALUE_FIELDS]
        if self.can_see_personal_data:
            fields.append("nik")
        else:
            fields = [name for name in fields if name not in CandidateForm.MASKED_FIELDS]
        initial = {name: getattr(self.candidate, name) for name in fields}
        initial["kelurahan"] = self.candidate.kelurahan_id
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"candidate": self.candidate}

    def edited_object(self):
        return self.candidate

    def perform(self, form):
        values = {name: form.cleaned_data[name] for name in ("nik", *CANDIDATE_VALUE_FIELDS)}
        if not self.can_see_personal_data:
            for name in CandidateForm.MASKED_FIELDS:  # left empty: unchanged
                if values[name] in (None, ""):
                    del values[name]
        candidate = services.candidate_update(
            actor=self.request.user, candidate=self.candidate, version=self.form_version, **values
        )
        self.success_message = _("Data {name} disimpan.").format(name=candidate.name)
        return candidate

    def get_success_url(self, result=None):
        return f"{_candidate_list_url()}?kelurahan={result.kelurahan_id}"


# --- A group's stages and replacements ----------------------------------------------------


class StageRecordView(KubeScopedMixin, ServiceFormMixin, FormView):
    permission_required = "formation.add_kubestage"
    form_class = StageForm
    template_name = "formation/stage_form.html"

    def perform(self, form):
        record = services.stage_record(actor=self.request.user, kube=self.kube, **form.cleaned_data)
        self.success_message = _("Tahap {stage} dicatat mulai {date}.").format(
            stage=record.get_stage_display().lower(), date=record.started_on.strftime("%d-%m-%Y")
        )
        return record

    def get_success_url(self, result=None):
        return f"{self.kube.get_absolute_url()}#tahap"


class CandidatePlaceView(KubeScopedMixin, View):
    """A suggested family takes a free place in the group: a normal membership."""

    http_method_names = ["post"]
    permission_required = ("groups.add_membership", "formation.view_candidate")
    scope = ("kube", "candidate")

    @cached_property
    def candidate(self) -> Candidate:
        return get_object_or_404(
            Candidate.objects.visible_to(self.request.user).filter(kelurahan_id=self.kube.kelurahan_id),
            pk=self.kwargs["candidate_pk"],
        )

    def post(self, request, *args, **kwargs):
        candidate = self.candidate
        action_run(
            request,
            lambda: services.candidate_place(
                actor=request.user, kube=self.kube, candidate=candidate, joined_on=timezone.localdate()
            ),
            success=lambda _result: _("{name} menjadi anggota {kube}.").format(
                name=candidate.name, kube=self.kube.name
            ),
        )
        return redirect(f"{self.kube.get_absolute_url()}#anggota")
