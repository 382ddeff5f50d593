"""The trainings pages: the list (officers, admins; a facilitator the trainings their
members took part in), one training with its participants (scoped: a facilitator sees
only their own groups' members, 404 for a training none of them attended), and the
form that records or changes one (officers, admins). Trainings are their city's: one
of another city is 404 on every URL, and the form offers only the training's city's
partners and members (a new training is the officer's city's)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from groups.areas import city_of
from kube_registry.form_views import ServiceFormMixin
from kube_registry.roles import RoleRequiredMixin

from .models import Training
from .training_forms import ParticipantFilterForm, TrainingForm
from .trainings import (
    participant_choices,
    training_participants,
    training_record,
    training_update,
    trainings_for,
)

READ_METHODS = ["get", "head"]
FORM_METHODS = ["get", "head", "post"]


class TrainingListView(RoleRequiredMixin, TemplateView):
    permission_required = "monitoring.view_training"
    template_name = "monitoring/training_list.html"
    http_method_names = READ_METHODS
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(trainings_for(self.request.user), self.page_size).get_page(self.request.GET.get("page"))
        return context | {
            "trainings": page.object_list,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
        }


class TrainingScopedMixin(RoleRequiredMixin):
    """The training in the URL among those the user may see (else 404, before any 403)."""

    scope = ("training",)

    @cached_property
    def training(self) -> Training:
        return get_object_or_404(trainings_for(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"training": self.training}


class TrainingDetailView(TrainingScopedMixin, TemplateView):
    permission_required = "monitoring.view_training"
    template_name = "monitoring/training_detail.html"
    http_method_names = READ_METHODS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {"participants": list(training_participants(self.training, self.request.user))}


class _TrainingFormView(ServiceFormMixin, FormView):
    form_class = TrainingForm
    template_name = "monitoring/training_form.html"
    http_method_names = FORM_METHODS

    def chosen(self):
        return []

    def city_id(self) -> int:
        raise NotImplementedError

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        city_id = self.city_id()
        self.filter_form = ParticipantFilterForm(self.request.GET or None, city_id=city_id)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        choices, self.too_many, _chosen = participant_choices(
            city_id=city_id, kube=filters.get("kube"), kelurahan=filters.get("kelurahan"), chosen=self.chosen()
        )
        return kwargs | {"choices": choices, "city_id": city_id}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"filter_form": self.filter_form, "too_many": self.too_many}

    def get_success_url(self, result=None):
        return result.get_absolute_url() if result is not None else self.request.path


class TrainingCreateView(RoleRequiredMixin, _TrainingFormView):
    permission_required = "monitoring.add_training"

    @cached_property
    def city(self):
        return city_of(self.request.user)

    def city_id(self) -> int:
        if self.city is None:
            # A province's or the country's reader records nothing (fail closed).
            raise PermissionDenied
        return self.city.pk

    def perform(self, form):
        training = training_record(actor=self.request.user, city=self.city, **form.cleaned_data)
        self.success_message = _("Pelatihan “{title}” tercatat.").format(title=training.title)
        return training


class TrainingUpdateView(TrainingScopedMixin, _TrainingFormView):
    permission_required = "monitoring.change_training"
    success_message = gettext_lazy("Data pelatihan disimpan.")

    def city_id(self) -> int:
        return self.training.city_id

    def chosen(self):
        return list(self.training.participants.select_related("person", "kube"))

    def get_initial(self):
        training = self.training
        return {
            "title": training.title,
            "held_on": training.held_on,
            "kind": training.kind,
            "organiser": training.organiser_id,
            "participants": [m.pk for m in self.chosen()],
        }

    def edited_object(self):
        return self.training

    def perform(self, form):
        return training_update(
            actor=self.request.user, training=self.training, version=self.form_version, **form.cleaned_data
        )
