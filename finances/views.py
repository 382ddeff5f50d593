"""Pages of the finances: the facilitator's months and report form, the workflow
actions, completeness, a group's finance page, and grants, assets, loans, products.

Access as in the registry: anonymous users sign in; without the permission 403; a
group or report outside `visible_to(user)` is 404, whatever the URL.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from groups.areas import area_of
from groups.selectors import kube_queryset
from groups.views import KubeScopedMixin
from kube_registry import submissions
from kube_registry.form_views import ServiceFormMixin, action_run
from kube_registry.roles import RoleRequiredMixin
from kube_registry.values import parse_period

from . import charts, selectors, services
from .forms import (
    AssetForm,
    GrantForm,
    LoanChangeForm,
    LoanForm,
    MonthlyReportForm,
    ProductForm,
    RepaymentForm,
    report_initial,
)
from .models import Asset, Grant, Loan, MonthlyReport, Product, ReportStatus
from .periods import due_day, last_complete_month, month_start, period_key, period_label, report_due_on


def _month_from_query(request) -> dt.date:
    """`?bulan=2025-11`, no later than the current month; missing or unreadable: the last complete month."""
    today = timezone.localdate()
    default = last_complete_month(today)
    try:
        month = parse_period(request.GET.get("bulan")) or default
    except ValueError:
        month = default
    return min(month, month_start(today))


# --- The facilitator's months -----------------------------------------------------------


class FacilitatorHomeView(RoleRequiredMixin, TemplateView):
    """ "Laporan bulanan": each of the user's groups with the months still missing."""

    permission_required = "finances.view_monthlyreport"
    template_name = "finances/facilitator_home.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        kubes = kube_queryset(self.request.user).order_by("name", "pk")
        page = Paginator(kubes, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = selectors.facilitator_months(list(page.object_list), today=today)
        context.update(
            rows=rows,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            today=today,
            last_month=last_complete_month(today),
            last_month_due=report_due_on(last_complete_month(today)),
            missing_total=sum(len(r.missing) for r in rows if r.expects_reports),
        )
        return context


# --- The report form and page -------------------------------------------------------------


class ReportEditView(KubeScopedMixin, ServiceFormMixin, FormView):
    """One page for a group's month: create or correct the report, save as draft or submit."""

    permission_required = ("finances.add_monthlyreport", "finances.change_monthlyreport")
    scope = ("kube", "period")
    form_class = MonthlyReportForm
    template_name = "finances/monthlyreport_form.html"

    @cached_property
    def period(self) -> dt.date:
        period = self.kwargs["period"]
        if period > month_start(timezone.localdate()) or period < month_start(self.kube.founded_on):
            raise Http404(_("Tidak ada laporan untuk bulan ini."))
        return period

    @cached_property
    def report(self) -> MonthlyReport | None:
        report = selectors.report_of_month(self.kube, self.period)
        if report is not None and not report.is_editable:
            raise PermissionDenied(_("Laporan ini sudah diajukan atau diverifikasi dan tidak dapat diubah."))
        return report

    @cached_property
    def memberships(self):
        return selectors.report_form_memberships(self.kube, self.period, self.report)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"memberships": self.memberships}

    def get_initial(self):
        return report_initial(self.report, self.memberships)

    def perform(self, form):
        submit = self.request.POST.get("action") == "submit"
        report = services.report_save(
            actor=self.request.user,
            kube=self.kube,
            period=self.period,
            version=form.cleaned_data["version"],
            values=form.report_values(),
            lines=form.report_lines(),
            submit=submit,
        )
        month = period_label(report.period)
        if submit:
            self.success_message = _("Laporan {month} diajukan ke Dinas Sosial.").format(month=month)
        else:
            self.success_message = _("Draf laporan {month} disimpan. Ajukan bila sudah lengkap.").format(month=month)
        return report

    def get_success_url(self, result=None):
        return result.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "period": self.period,
            "report": self.report,
            "due_on": report_due_on(self.period),
        }


class ReportScopedMixin(RoleRequiredMixin):
    scope = ("report",)

    @cached_property
    def report(self) -> MonthlyReport:
        return get_object_or_404(selectors.report_queryset(self.request.user), pk=self.kwargs["report_pk"])


class ReportDetailView(ReportScopedMixin, TemplateView):
    permission_required = "finances.view_monthlyreport"
    template_name = "finances/monthlyreport_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = self.report, self.request.user
        can_verify = user.has_perm("finances.verify_monthlyreport")
        can_edit = user.has_perm("finances.change_monthlyreport") and report.is_editable
        context.update(
            report=report,
            kube=report.kube,
            lines=selectors.report_lines(report),
            history=selectors.report_history(report),
            can_edit=can_edit,
            can_submit=can_edit,
            can_review=can_verify and report.status == ReportStatus.SUBMITTED,
            can_reopen=can_verify and report.status == ReportStatus.VERIFIED,
            due_on=report_due_on(report.period),
            form_token=submissions.token_new(),  # one per page: a double click acts once
            is_late=bool(report.first_submitted_at)
            and timezone.localtime(report.first_submitted_at).date() > report_due_on(report.period),
        )
        return context


class ReportActionView(ReportScopedMixin, View):
    """A one-shot step of a report's workflow (POST only); the outcome is a message on the report."""

    http_method_names = ["post"]
    action = None  # the service, called with actor, report, version and `action_kwargs()`
    success = ""

    def action_kwargs(self) -> dict:
        return {}

    def post(self, request, *args, **kwargs):
        report = self.report
        version = request.POST.get("version")
        try:
            version = int(version) if version else None
        except ValueError:
            raise Http404 from None

        def perform():
            return submissions.run_once(
                user=request.user,
                token=request.POST.get(submissions.FIELD, "")[:64],
                perform=lambda: type(self).action(
                    actor=request.user, report=report, version=version, **self.action_kwargs()
                ),
                url_of=lambda _result: report.get_absolute_url(),
            )

        try:
            action_run(
                request,
                perform,
                success=lambda _result: self.success.format(kube=report.kube.name, month=period_label(report.period)),
            )
        except submissions.AlreadySubmitted:
            messages.info(request, _(submissions.MSG_ALREADY_SAVED))
        return redirect(report.get_absolute_url())


class ReportSubmitView(ReportActionView):
    permission_required = "finances.change_monthlyreport"
    action = services.report_submit
    success = _lazy("Laporan {month} diajukan ke Dinas Sosial.")


class ReportVerifyView(ReportActionView):
    permission_required = "finances.verify_monthlyreport"
    action = services.report_verify
    success = _lazy("Laporan {kube} {month} terverifikasi.")


class ReportReturnView(ReportActionView):
    permission_required = "finances.verify_monthlyreport"
    action = services.report_return
    success = _lazy("Laporan {kube} {month} dikembalikan ke pendamping untuk diperbaiki.")

    def action_kwargs(self) -> dict:
        return {"comment": self.request.POST.get("comment", "")}


class ReportReopenView(ReportActionView):
    permission_required = "finances.verify_monthlyreport"
    action = services.report_reopen
    success = _lazy("Laporan {kube} {month} dibuka kembali dan dapat diperbaiki oleh pendamping.")

    def action_kwargs(self) -> dict:
        return {"reason": self.request.POST.get("comment", "")}


class VerificationQueueView(RoleRequiredMixin, ListView):
    """Submitted reports waiting for an officer, oldest first."""

    permission_required = "finances.verify_monthlyreport"
    template_name = "finances/verification_queue.html"
    paginate_by = 25
    context_object_name = "reports"

    def get_queryset(self):
        return selectors.verification_queue(self.request.user)


# --- Completeness and timeliness --------------------------------------------------------


class CompletenessView(RoleRequiredMixin, TemplateView):
    """Reports expected, received, verified and on time: per facilitator and for the city."""

    permission_required = ("finances.view_monthlyreport", "groups.view_all_kube")
    template_name = "finances/completeness.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = _month_from_query(self.request)
        kubes = kube_queryset(self.request.user)
        rows = selectors.completeness_by_facilitator(period, kubes=kubes)
        context.update(
            period=period,
            period_key=period_key(period),
            rows=rows,
            total=selectors.completeness_total(rows, period),
            trend=list(reversed(selectors.completeness_trend(period, kubes=kubes))),
            due_on=report_due_on(period),
            due_day=due_day(),
        )
        return context


class MissingReportsView(RoleRequiredMixin, ListView):
    """Groups whose report for the month has not reached the office, by facilitator."""

    permission_required = ("finances.view_monthlyreport", "groups.view_all_kube")
    template_name = "finances/missing_reports.html"
    paginate_by = 50
    context_object_name = "kubes"

    @cached_property
    def period(self) -> dt.date:
        return _month_from_query(self.request)

    @cached_property
    def facilitator_id(self) -> int | None:
        value = self.request.GET.get("pendamping", "")
        if value == "0":
            return 0  # groups without a facilitator
        return int(value) if value.isdigit() else None

    def get_queryset(self):
        return selectors.missing_reports(
            self.period, kubes=kube_queryset(self.request.user), facilitator_id=self.facilitator_id
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            period=self.period,
            period_key=period_key(self.period),
            facilitators=selectors.facilitator_choices(area_of(self.request.user)),
            facilitator_id=self.facilitator_id,
            due_on=report_due_on(self.period),
            query_without_page=query.urlencode(),
        )
        return context


# --- A group's finance page ------------------------------------------------------------------


class KubeFinanceView(KubeScopedMixin, TemplateView):
    permission_required = "finances.view_monthlyreport"
    template_name = "finances/kube_finance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        kube = self.kube
        cells = selectors.report_months(kube, today=today)
        points = selectors.month_points(cells)
        loans = selectors.kube_loans(kube)
        assets = selectors.kube_assets(kube)
        context.update(
            years=selectors.yearly_summary(kube),
            cells=cells,
            points=points,
            chart=charts.income_expenses_figure(points) if points else None,
            chart_summary=charts.income_expenses_summary(points),
            loans=loans,
            loan_summary=selectors.loan_summary(loans, today),
            loan_limit=services.loan_limit(),
            assets=assets,
            assets_value=selectors.assets_held_value(assets, today),
            grants=selectors.kube_grants(kube),
            products=selectors.kube_products(kube),
            today=today,
            current_month=month_start(today),
        )
        return context


# --- Grants, assets, loans, products ---------------------------------------------------------


class FinanceFormMixin(KubeScopedMixin, ServiceFormMixin):
    """Forms on a group's finance page return to it."""

    template_name = "finances/object_form.html"
    heading = ""
    anchor = ""

    def get_success_url(self, result=None):
        url = self.kube.get_absolute_url() if self.anchor == "produk" else self._finance_url()
        return f"{url}#{self.anchor}" if self.anchor else url

    def _finance_url(self):
        from django.urls import reverse

        return reverse("finances:kube_finance", kwargs={"pk": self.kube.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"heading": self.heading, "back_url": self.get_success_url()}


class ObjectScopedMixin:
    """An object of the group in the URL (404 if it belongs to another group)."""

    scope = ("kube", "object")
    model = None
    kube_path = "kube"

    @cached_property
    def object(self):
        return get_object_or_404(self.model.objects.filter(**{self.kube_path: self.kube}), pk=self.kwargs["object_pk"])

    def get_initial(self):
        return {name: getattr(self.object, name) for name in self.form_class.base_fields if hasattr(self.object, name)}

    def edited_object(self):
        return self.object


class GrantCreateView(FinanceFormMixin, FormView):
    permission_required = "finances.add_grant"
    form_class = GrantForm
    heading = _lazy("Catat bantuan")
    anchor = "bantuan"
    success_message = _lazy("Bantuan dicatat.")

    def perform(self, form):
        return services.grant_create(actor=self.request.user, kube=self.kube, **form.cleaned_data)


class GrantUpdateView(ObjectScopedMixin, FinanceFormMixin, FormView):
    permission_required = "finances.change_grant"
    model = Grant
    form_class = GrantForm
    heading = _lazy("Ubah bantuan")
    anchor = "bantuan"
    success_message = _lazy("Bantuan disimpan.")

    def perform(self, form):
        return services.grant_update(
            actor=self.request.user, grant=self.object, version=self.form_version, **form.cleaned_data
        )


class AssetCreateView(FinanceFormMixin, FormView):
    permission_required = "finances.add_asset"
    form_class = AssetForm
    heading = _lazy("Catat aset")
    anchor = "aset"
    success_message = _lazy("Aset dicatat.")

    def perform(self, form):
        return services.asset_create(actor=self.request.user, kube=self.kube, **form.cleaned_data)


class AssetUpdateView(ObjectScopedMixin, FinanceFormMixin, FormView):
    permission_required = "finances.change_asset"
    model = Asset
    form_class = AssetForm
    heading = _lazy("Ubah aset")
    anchor = "aset"
    success_message = _lazy("Aset disimpan.")

    def perform(self, form):
        return services.asset_update(
            actor=self.request.user, asset=self.object, version=self.form_version, **form.cleaned_data
        )


class LoanCreateView(FinanceFormMixin, FormView):
    permission_required = "finances.add_loan"
    form_class = LoanForm
    heading = _lazy("Catat pinjaman anggota")
    anchor = "pinjaman"
    success_message = _lazy("Pinjaman dicatat.")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"kube": self.kube}

    def perform(self, form):
        loan, self.warnings = services.loan_create(actor=self.request.user, kube=self.kube, **form.cleaned_data)
        return loan


class LoanUpdateView(ObjectScopedMixin, FinanceFormMixin, FormView):
    permission_required = "finances.change_loan"
    model = Loan
    form_class = LoanChangeForm
    heading = _lazy("Ubah pinjaman")
    anchor = "pinjaman"
    success_message = _lazy("Pinjaman disimpan.")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"kube": self.kube}

    def perform(self, form):
        loan, self.warnings = services.loan_update(
            actor=self.request.user, loan=self.object, version=self.form_version, **form.cleaned_data
        )
        return loan

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"subtitle": self.object.membership.person.name}


class RepaymentCreateView(ObjectScopedMixin, FinanceFormMixin, FormView):
    permission_required = "finances.add_repayment"
    model = Loan
    form_class = RepaymentForm
    heading = _lazy("Catat angsuran")
    anchor = "pinjaman"
    success_message = _lazy("Angsuran dicatat.")

    def get_initial(self):
        return {}

    def edited_object(self):
        return None  # a new repayment: its loan's version is raised, not checked

    def perform(self, form):
        return services.repayment_add(actor=self.request.user, loan=self.object, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        loan = self.object
        return super().get_context_data(**kwargs) | {
            "subtitle": f"{loan.membership.person.name} — {loan.lent_on:%d-%m-%Y}"
        }


class ProductCreateView(FinanceFormMixin, FormView):
    permission_required = "finances.add_product"
    form_class = ProductForm
    heading = _lazy("Tambah produk atau kegiatan")
    anchor = "produk"
    success_message = _lazy("Produk atau kegiatan dicatat.")

    def perform(self, form):
        return services.product_create(actor=self.request.user, kube=self.kube, **form.cleaned_data)


class ProductUpdateView(ObjectScopedMixin, FinanceFormMixin, FormView):
    permission_required = "finances.change_product"
    model = Product
    form_class = ProductForm
    heading = _lazy("Ubah produk atau kegiatan")
    anchor = "produk"
    success_message = _lazy("Produk atau kegiatan disimpan.")

    def perform(self, form):
        return services.product_update(
            actor=self.request.user, product=self.object, version=self.form_version, **form.cleaned_data
        )
