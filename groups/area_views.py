"""Facilitators' work areas: the kelurahan where each one sees and records waiting
families and drafts proposals. The office sets them; a facilitator never widens them.
"""

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from kube_registry.roles import RoleRequiredMixin

from . import services
from .areas import Area, area_of
from .filters import facilitators
from .models import FacilitatorArea, Kelurahan


class FacilitatorAreaForm(forms.Form):
    kelurahans = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Kelurahan wilayah kerja"),
        queryset=Kelurahan.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, area: Area, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the office's own city: another city's kelurahan is neither offered nor accepted.
        self.fields["kelurahans"].queryset = (
            Kelurahan.objects.in_area(area).select_related("kecamatan").order_by("kecamatan__name", "name")
        )


class FacilitatorListView(RoleRequiredMixin, TemplateView):
    """Every facilitator with their groups' count and their work area."""

    permission_required = "groups.change_facilitatorarea"
    template_name = "groups/facilitator_list.html"

    def get_context_data(self, **kwargs):
        areas = FacilitatorArea.objects.select_related("kelurahan").order_by("kelurahan__name")
        rows = facilitators(area_of(self.request.user)).annotate(kube_count=Count("facilitated_kubes", distinct=True))
        rows = rows.prefetch_related(Prefetch("work_areas", queryset=areas))
        return super().get_context_data(**kwargs) | {"facilitators": list(rows)}


class FacilitatorAreaView(RoleRequiredMixin, FormView):
    """The office ticks the kelurahan of one facilitator's work area, grouped by kecamatan."""

    permission_required = "groups.change_facilitatorarea"
    form_class = FacilitatorAreaForm
    template_name = "groups/facilitator_area.html"
    scope = ("facilitator",)  # another city's facilitator is 404, before the permission

    @cached_property
    def facilitator(self):
        return get_object_or_404(facilitators(area_of(self.request.user)), pk=self.kwargs["user_pk"])

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"area": area_of(self.request.user)}

    def get_initial(self):
        return {"kelurahans": list(Kelurahan.objects.filter(facilitator_areas__facilitator=self.facilitator))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        ticked = {str(v) for v in (form["kelurahans"].value() or [])}
        groups: dict[str, list] = {}
        for kelurahan in form.fields["kelurahans"].queryset:
            groups.setdefault(kelurahan.kecamatan.name, []).append((kelurahan, str(kelurahan.pk) in ticked))
        own = set(Kelurahan.objects.filter(kubes__facilitator=self.facilitator).values_list("pk", flat=True).distinct())
        return context | {
            "facilitator": self.facilitator,
            "facilitator_name": self.facilitator.get_full_name() or self.facilitator.username,
            "kecamatans": list(groups.items()),
            "own_kelurahan_ids": own,
        }

    def form_valid(self, form):
        services.facilitator_area_set(
            actor=self.request.user, facilitator=self.facilitator, kelurahans=form.cleaned_data["kelurahans"]
        )
        messages.success(
            self.request,
            _("Wilayah kerja {name} disimpan: {count} kelurahan.").format(
                name=self.facilitator.get_full_name() or self.facilitator.username,
                count=len(form.cleaned_data["kelurahans"]),
            ),
        )
        return redirect(reverse("groups:facilitator_list"))
