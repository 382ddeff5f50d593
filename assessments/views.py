"""A group's assessments: assess now, the history with its chart, one assessment, the officer's judgement;
and the rubric's thresholds page.

Access as in the registry: anonymous users sign in; an assessment or group outside
`visible_to(user)` is 404, whatever the URL; a user who may see it but lacks the
permission for the action gets 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from groups.views import KubeScopedMixin
from kube_registry.form_views import ServiceFormMixin
from kube_registry.roles import RoleRequiredMixin

from . import charts, rubric, selectors, services
from .forms import JudgementForm, ThresholdsForm
from .models import Assessment, ThresholdSetting
from .thresholds import SPECS, WEIGHT_TOTAL


class AssessNowView(KubeScopedMixin, View):
    """Run the rubric for one group as of today (a re-run replaces today's computed result only)."""

    http_method_names = ["post"]
    permission_required = "assessments.add_assessment"

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(_("Hanya petugas Dinas Sosial yang dapat menjalankan penilaian."))
        return super().handle_no_permission()

    def post(self, request, *args, **kwargs):
        kube, today = self.kube, timezone.localdate()
        refusal = selectors.assess_now_refusal(kube, today)
        if refusal:
            messages.error(request, refusal)
        else:
            assessment = services.assessment_run(kube=kube, as_of=today, actor=request.user)
            messages.success(
                request,
                _("{kube} dinilai per {date}: {category}.").format(
                    kube=kube.name,
                    date=date_format(today, "j F Y"),
                    category=assessment.get_computed_category_display().lower(),
                ),
            )
        return redirect(f"{kube.get_absolute_url()}#penilaian")


class KubeAssessmentsView(KubeScopedMixin, TemplateView):
    """Every stored assessment of a group, with a chart of category and score over time."""

    permission_required = "assessments.view_assessment"
    template_name = "assessments/kube_assessments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assessments = selectors.kube_assessments(self.kube)
        context.update(
            rows=[(a, selectors.flag_rows(a)) for a in assessments],
            # One point is no line: the table says it all.
            chart=charts.category_score_figure(assessments) if len(assessments) > 1 else None,
            chart_summary=charts.category_score_summary(assessments),
        )
        return context


class AssessmentScopedMixin(RoleRequiredMixin):
    """The assessment in the URL, among those of the groups the user may see (else 404, before any 403)."""

    scope = ("assessment",)

    @cached_property
    def assessment(self) -> Assessment:
        return get_object_or_404(selectors.assessment_queryset(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"assessment": self.assessment, "kube": self.assessment.kube}


class AssessmentDetailView(AssessmentScopedMixin, TemplateView):
    permission_required = "assessments.view_assessment"
    template_name = "assessments/assessment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        factors, dynamics = selectors.judgement_scores(self.assessment)
        context.update(
            summary=selectors.assessment_summary(self.assessment),
            score_groups=[(_("Enam faktor kemandirian"), factors), (_("Lima aspek dinamika kelompok"), dynamics)],
            history=selectors.judgement_history(self.assessment),
        )
        return context


class JudgementView(AssessmentScopedMixin, ServiceFormMixin, FormView):
    """The officer's scores and final category; a category other than the rubric's needs a reason."""

    permission_required = "assessments.judge_assessment"
    form_class = JudgementForm
    template_name = "assessments/judgement_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"assessment": self.assessment}

    def edited_object(self):
        return self.assessment

    def perform(self, form):
        assessment = services.assessment_judge(
            assessment=self.assessment,
            actor=self.request.user,
            version=self.form_version,
            scores=form.scores(),
            notes=form.cleaned_data["judgement_notes"],
            final_category=form.cleaned_data["final_category"],
            reason=form.cleaned_data["override_reason"],
        )
        if assessment.is_overridden:
            self.success_message = _("Penilaian petugas disimpan: kategori akhir {final}, hasil rubrik {computed}.")
        else:
            self.success_message = _("Penilaian petugas disimpan: kategori akhir {final}.")
        self.success_message = self.success_message.format(
            final=assessment.get_final_category_display().lower(),
            computed=assessment.get_computed_category_display().lower(),
        )
        return assessment

    def get_success_url(self, result=None):
        return result.get_absolute_url()


class ThresholdsView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """GET for whoever may view the thresholds (admins, officers); POST only for admins."""

    permission_required = "assessments.view_thresholdsetting"
    template_name = "assessments/thresholds.html"
    form_class = ThresholdsForm
    http_method_names = ["get", "head", "post"]

    @property
    def can_change(self) -> bool:
        return self.request.user.has_perm("assessments.change_thresholds")

    def post(self, request, *args, **kwargs):
        if not self.can_change:
            raise PermissionDenied(_("Hanya admin yang dapat mengubah ambang batas penilaian."))
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        return selectors.thresholds_current().as_dict()

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"read_only": not self.can_change}

    @cached_property
    def setting(self) -> ThresholdSetting | None:
        return selectors.threshold_setting()

    def edited_object(self):
        return self.setting or ThresholdSetting(version=0)  # 0: nothing stored yet

    def perform(self, form):
        values = {name: form.cleaned_data[name] for name in SPECS}
        if values == selectors.thresholds_current().as_dict():
            messages.info(self.request, _("Tidak ada perubahan ambang batas."))
            self.success_message = ""
            return None
        services.thresholds_update(values=values, actor=self.request.user, version=self.form_version)
        self.success_message = _(
            "Ambang batas disimpan. Nilai baru berlaku untuk penilaian berikutnya; "
            "hasil penilaian yang sudah tersimpan tidak berubah."
        )
        return None

    def get_success_url(self, result=None):
        return reverse("assessments:thresholds")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "setting": self.setting,
            "history": selectors.threshold_history(),
            "can_change": self.can_change,
            "rubric_version": rubric.RUBRIC_VERSION,
            "weight_total": WEIGHT_TOTAL,
        }
