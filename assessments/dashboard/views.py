"""The city dashboard (home of officers and admins), its per-block exports, and the
facilitator's home ("my groups", the most urgent first).

Access: anonymous users sign in; the city dashboard needs every group in view
(`groups.view_all_kube`), so a facilitator gets 403 there.
"""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView, View

from finances.periods import last_complete_month, report_due_on
from finances.selectors import facilitator_months
from groups.areas import area_of
from groups.models import Kube, KubeStatus
from groups.selectors import kube_queryset
from kube_registry.downloads import export_response
from kube_registry.roles import RoleRequiredMixin
from monitoring import selectors as monitoring

from . import blocks, selectors
from .exports import FORMATS, block_file
from .filters import DashboardFilterForm, dashboard_params


class DashboardMixin(RoleRequiredMixin):
    permission_required = ("assessments.view_assessment", "groups.view_all_kube")

    def today(self) -> dt.date:
        return timezone.localdate()

    def get_params(self):
        form = DashboardFilterForm(
            self.request.GET or None,
            years=selectors.assessment_years(Kube.objects.visible_to(self.request.user)),
            today=self.today(),
            area=area_of(self.request.user),
        )
        if form.is_bound:
            form.is_valid()
        kubes = selectors.dashboard_kubes(Kube.objects.visible_to(self.request.user))
        return form, dashboard_params(form, kubes)


class DashboardView(DashboardMixin, TemplateView):
    template_name = "assessments/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, params = self.get_params()
        built = blocks.build_all(params)
        labels = blocks.category_labels()
        counts, before = built["kategori"].extra["counts"], built["kategori"].extra["before"]
        context.update(
            summary=[(key, labels[key], counts[key], counts[key] - before[key]) for key in selectors.CATEGORIES],
            form=form,
            params=params,
            blocks=built,
            has_charts=any(block.figure for block in built.values()),
        )
        return context


class DashboardExportView(DashboardMixin, View):
    def get(self, request, key: str, fmt: str):
        build = blocks.BLOCKS.get(key)
        if build is None or fmt not in FORMATS:
            raise Http404
        _form, params = self.get_params()
        if not blocks.shown(key, params):
            raise Http404
        block = build(params, full=True)
        # A block's table counts groups; it names no person.
        return export_response(
            request,
            what=f"dasbor-{key}",
            fmt=fmt,
            content=block_file(block, fmt),
            filename=f"dasbor-{key}-{params.as_of:%Y-%m-%d}.{fmt}",
            is_unmasked=False,
        )


# --- The facilitator's home -------------------------------------------------------------------------


class FacilitatorHomeView(RoleRequiredMixin, TemplateView):
    """ "Kelompok saya": each group with its category, flags and missing reports, the most urgent first."""

    permission_required = ("groups.view_kube", "assessments.view_assessment")
    template_name = "assessments/facilitator_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        kubes = list(
            kube_queryset(self.request.user)
            .annotate(last_visit_on=monitoring.last_visit_on(today))
            .order_by("name", "pk")
        )
        latest = {a.kube_id: a for a in selectors.latest_assessments(Kube.objects.visible_to(self.request.user), today)}
        rows = []
        for months in facilitator_months(kubes, today=today):
            rows.append(FacilitatorRow(months=months, assessment=latest.get(months.kube.pk), today=today))
        rows.sort(key=FacilitatorRow.urgency)
        last_month = last_complete_month(today)
        context.update(
            rows=rows,
            today=today,
            last_month=last_month,
            last_month_due=report_due_on(last_month),
            labels=blocks.category_labels(),
            urgent=sum(1 for row in rows if row.is_urgent),
            period_days=monitoring.period_days(),
            # Their groups' open follow-ups: the overdue first (the earliest due first).
            follow_ups=list(monitoring.open_follow_ups(Kube.objects.visible_to(self.request.user), today)),
        )
        return context


class FacilitatorRow:
    def __init__(self, *, months, assessment, today: dt.date):
        self.months = months
        self.kube = months.kube
        self.assessment = assessment
        self.last_visit_on = getattr(self.kube, "last_visit_on", None)
        # Only an active group is expected to be visited (monitoring.selectors' coverage rule).
        self.is_not_visited = self.kube.status == KubeStatus.AKTIF and not monitoring.is_covered(
            self.last_visit_on, today
        )
        self.missing = months.missing if months.expects_reports else []
        self.returned = months.returned if months.expects_reports else []

    @property
    def flags(self) -> list[dict]:
        return list(self.assessment.flags or []) if self.assessment else []

    @property
    def is_urgent(self) -> bool:
        flagged = self.assessment is not None and (self.assessment.is_at_risk or self.assessment.is_inactive)
        return flagged or bool(self.missing) or bool(self.returned)

    def urgency(self) -> tuple:
        """Sort key, in this order:

        1. active groups not visited within the monitoring period (KUBE_MONITORING_PERIOD_DAYS) first;
        2. then inactive or at risk;
        3. then the most months missing, then the most returned reports;
        4. then groups expected to report before those that are not;
        5. then the longest since the last visit (never visited first);
        6. then by name.
        """
        a = self.assessment
        flagged = 0 if a is not None and (a.is_inactive or a.is_at_risk) else 1
        return (
            not self.is_not_visited,
            flagged,
            -len(self.missing),
            -len(self.returned),
            not self.months.expects_reports,
            self.last_visit_on or dt.date.min,
            self.kube.name,
        )
