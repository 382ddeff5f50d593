"""`/pemantauan/` (contract 5): the office's view of the field. Coverage of the active
groups by visits per facilitator and per kecamatan, the groups not visited, and the
open and overdue follow-ups. Officers and admins; a facilitator gets 403 (it needs
every group in view), an anonymous visitor the sign-in page.
"""

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from groups.areas import Area, area_of
from groups.forms import DateInput
from groups.models import Kecamatan, Kube
from kube_registry.roles import RoleRequiredMixin

from . import selectors

PER_PAGE = 50  # rows of each list (the groups not visited, the open follow-ups) on a page

MSG_DATE_AFTER_TODAY = _("Tanggal tidak boleh melewati hari ini.")


class CoverageFilterForm(forms.Form):
    tanggal = forms.DateField(label=_("Per tanggal"), required=False, widget=DateInput())
    hari = forms.IntegerField(
        label=_("Periode (hari)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Kosong: pengaturan kantor."),
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.none(), required=False, empty_label=_("Semua")
    )

    def __init__(self, *args, today: dt.date, area: Area, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["kecamatan"].queryset = Kecamatan.objects.in_area(area).order_by("name")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def clean_tanggal(self):
        day = self.cleaned_data.get("tanggal")
        if day and day > self.today:
            raise forms.ValidationError(MSG_DATE_AFTER_TODAY)
        return day


class CoverageView(RoleRequiredMixin, TemplateView):
    permission_required = ("monitoring.view_visit", "groups.view_all_kube")
    template_name = "monitoring/coverage.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        form = CoverageFilterForm(self.request.GET or None, today=today, area=area_of(self.request.user))
        cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
        as_of = cleaned.get("tanggal") or today
        days = cleaned.get("hari") or selectors.period_days()
        kubes = Kube.objects.visible_to(self.request.user)
        if cleaned.get("kecamatan"):
            kubes = kubes.filter(kelurahan__kecamatan=cleaned["kecamatan"])
        by_facilitator = selectors.coverage_by_facilitator(kubes, as_of, days)
        by_kecamatan = selectors.coverage_by_kecamatan(kubes, as_of, days)
        total = selectors.coverage_total(by_kecamatan)
        not_visited = self._page(selectors.not_visited(kubes, as_of, days), "hal_kube")
        follow_ups = self._page(selectors.open_follow_ups(kubes, as_of), "hal_tl")
        context.update(
            form=form,
            as_of=as_of,
            days=days,
            start=selectors.coverage_start(as_of, days),
            by_facilitator=by_facilitator,
            by_kecamatan=by_kecamatan,
            total=total,
            not_visited=not_visited,
            follow_ups=follow_ups,
            overdue_count=selectors.overdue_follow_ups(kubes, as_of).count(),
        )
        return context

    def _page(self, queryset, param: str) -> dict:
        """One page of a list, with what the pagination links need (the other list keeps its page)."""
        page = Paginator(queryset, PER_PAGE).get_page(self.request.GET.get(param))
        query = self.request.GET.copy()
        query.pop(param, None)
        return {
            "rows": page.object_list,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query_without_page": query.urlencode(),
            "param": param,
        }
