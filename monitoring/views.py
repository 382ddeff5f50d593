"""A group's visits (contract 5): the list with its photos and open follow-ups, the visit
form (recording and correcting), a photo, and closing a follow-up.

Scope as everywhere (kube_registry.roles.RoleRequiredMixin): the group is looked up among
those the user may see, and a visit, photo or follow-up only among the URL's group's; a
facilitator asking for another's group gets 404 for every method. A visit is corrected by
whoever records its kind (rules.visit_kind_problems): anyone else who sees it gets 403.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from groups.views import KubeScopedMixin
from kube_registry import submissions, versioning
from kube_registry.form_views import ServiceFormMixin

from . import rules, selectors, services
from .dynamics import ASPECTS, level_description
from .forms import FollowUpCloseForm, VisitForm
from .models import FollowUp, ProblemArea, Visit, VisitKind, VisitPhoto

PER_PAGE = 20


def close_form(follow_up: FollowUp, data=None) -> FollowUpCloseForm:
    """The close form of one follow-up, with its one-time token and the version it was read at."""
    form = FollowUpCloseForm(data, prefix=f"tl{follow_up.pk}")
    form.fields[submissions.FIELD] = submissions.token_field()
    form.fields[versioning.FIELD] = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, initial=follow_up.version
    )
    return form


def _describe(visit: Visit) -> None:
    areas = dict(ProblemArea.choices)
    visit.area_labels = [areas.get(code, code) for code in visit.problem_areas.split(",") if code]
    visit.present = visit.ticked or visit.attendance_count
    visit.dynamics = [
        (aspect.label, getattr(visit, aspect.field), level_description(aspect, getattr(visit, aspect.field)))
        for aspect in ASPECTS
        if getattr(visit, aspect.field) is not None
    ]


def kind_refusal(user, visit: Visit) -> str:
    """Why `user` may not correct `visit` ("" if they may): each kind is its recorder's."""
    return rules.visit_kind_problems(kind=visit.kind, is_office=services.is_office(user)).get("kind", "")


def may_edit(user, visit: Visit) -> bool:
    return user.has_perm("monitoring.change_visit") and not kind_refusal(user, visit)


def kinds_for(user) -> list[str]:
    """The kinds `user` records: the office monev, a facilitator every other kind."""
    if services.is_office(user):
        return [VisitKind.MONEV]
    return [kind for kind in VisitKind.values if kind != VisitKind.MONEV]


class VisitListView(KubeScopedMixin, TemplateView):
    permission_required = "monitoring.view_visit"
    template_name = "monitoring/visit_list.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.kube_visits(self.kube), PER_PAGE).get_page(self.request.GET.get("page"))
        user = self.request.user
        for visit in page.object_list:
            _describe(visit)
            visit.can_edit = may_edit(user, visit)
        follow_ups = list(selectors.open_follow_ups(None, timezone.localdate(), kube=self.kube))
        can_close = user.has_perm("monitoring.change_followup")
        for follow_up in follow_ups:
            follow_up.close_form = close_form(follow_up) if can_close else None
        return super().get_context_data(**kwargs) | {
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "visits": page.object_list,
            "follow_ups": follow_ups,
            "can_record": user.has_perm("monitoring.add_visit"),
            "record_kind": _("monev") if services.is_office(user) else "",
        }


class VisitCreateView(KubeScopedMixin, ServiceFormMixin, FormView):
    permission_required = "monitoring.add_visit"
    form_class = VisitForm
    template_name = "monitoring/visit_form.html"
    http_method_names = ["get", "head", "post"]

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"kube": self.kube, "kinds": kinds_for(self.request.user)}

    def perform(self, form):
        visit = services.visit_record(actor=self.request.user, kube=self.kube, **form.service_kwargs())
        self.success_message = _("Kunjungan {date} tercatat.").format(date=visit.visited_on.strftime("%d-%m-%Y"))
        return visit

    def get_success_url(self, result=None):
        return reverse("monitoring:visit_list", kwargs={"pk": self.kube.pk})


class VisitUpdateView(KubeScopedMixin, ServiceFormMixin, FormView):
    """Correct a recorded visit: the visit form filled from it, its photos listed to keep or
    remove, and no new follow-ups (those are agreed at a visit and closed on the list)."""

    permission_required = "monitoring.change_visit"
    scope = ("kube", "visit")
    form_class = VisitForm
    template_name = "monitoring/visit_form.html"
    http_method_names = ["get", "head", "post"]

    @cached_property
    def visit(self) -> Visit:
        return get_object_or_404(Visit.objects.filter(kube=self.kube), pk=self.kwargs["visit_pk"])

    @cached_property
    def photos(self) -> list[VisitPhoto]:
        return selectors.visit_photos(self.visit)

    def has_permission(self):
        return super().has_permission() and not kind_refusal(self.request.user, self.visit)

    def handle_no_permission(self):
        refusal = self.request.user.is_authenticated and kind_refusal(self.request.user, self.visit)
        if refusal:
            raise PermissionDenied(refusal)
        return super().handle_no_permission()

    def edited_object(self):
        return self.visit

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "kube": self.kube,
            "kinds": kinds_for(self.request.user),
            "visit": self.visit,
            "photos": self.photos,
        }

    def get_initial(self):
        visit = self.visit
        return {
            "visited_on": visit.visited_on,
            "kind": visit.kind,
            "attendees": list(visit.attendees.values_list("pk", flat=True)),
            "activities": visit.activities,
            "problem_areas": [code for code in visit.problem_areas.split(",") if code],
            "problems": visit.problems,
            "notes": visit.notes,
            "cohesion_reason": visit.cohesion_reason,
            # A radio left unticked reads "Tidak diamati" (the empty choice).
            **{aspect.field: getattr(visit, aspect.field) or "" for aspect in ASPECTS},
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"visit": self.visit}

    def perform(self, form):
        visit = services.visit_update(
            actor=self.request.user, visit=self.visit, version=self.form_version, **form.service_kwargs()
        )
        self.success_message = _("Kunjungan {date} disimpan.").format(date=visit.visited_on.strftime("%d-%m-%Y"))
        return visit

    def get_success_url(self, result=None):
        return reverse("monitoring:visit_list", kwargs={"pk": self.kube.pk}) + f"#kunjungan-{self.visit.pk}"


class VisitPhotoView(KubeScopedMixin, View):
    """A visit's photo, or its small copy (the list's thumbnails): only the bytes asked for are read."""

    permission_required = "monitoring.view_visitphoto"
    scope = ("kube", "photo")
    http_method_names = ["get", "head"]
    thumbnail = False

    @cached_property
    def photo(self) -> VisitPhoto:
        wanted = "thumbnail" if self.thumbnail else "content"
        photos = VisitPhoto.objects.only("pk", "content_type", wanted)
        return get_object_or_404(photos, visit__kube=self.kube, pk=self.kwargs["photo_pk"])

    def get(self, request, *args, **kwargs):
        content = self.photo.thumbnail if self.thumbnail else self.photo.content
        response = HttpResponse(bytes(content), content_type=self.photo.content_type)
        # A member's photo stays in this browser: never in a shared cache.
        response["Cache-Control"] = "private, max-age=3600"
        return response


class FollowUpCloseView(KubeScopedMixin, ServiceFormMixin, FormView):
    permission_required = "monitoring.change_followup"
    scope = ("kube", "follow_up")
    form_class = FollowUpCloseForm
    template_name = "monitoring/follow_up_close.html"
    http_method_names = ["post"]

    @cached_property
    def follow_up(self) -> FollowUp:
        return get_object_or_404(
            FollowUp.objects.select_related("visit", "owner_membership__person"),
            kube=self.kube,
            pk=self.kwargs["follow_up_pk"],
        )

    def get_prefix(self):
        return f"tl{self.follow_up.pk}"

    def edited_object(self):
        return self.follow_up

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"follow_up": self.follow_up}

    def perform(self, form):
        data = form.cleaned_data
        # Closed at the group's visit of that day, when one is recorded.
        at_visit = Visit.objects.filter(kube=self.kube, visited_on=data["closed_on"]).order_by("pk").first()
        follow_up = services.follow_up_close(
            actor=self.request.user,
            follow_up=self.follow_up,
            closed_on=data["closed_on"],
            outcome=data["outcome"],
            at_visit=at_visit if at_visit and at_visit.pk != self.follow_up.visit_id else None,
            version=self.form_version,
        )
        self.success_message = _("Tindak lanjut ditutup.")
        return follow_up

    def get_success_url(self, result=None):
        return reverse("monitoring:visit_list", kwargs={"pk": self.kube.pk}) + "#tindak-lanjut"
