"""The visit form a facilitator fills on a phone in a village, and the follow-up close
form. Only the date and the kind are required; rules live in `monitoring.services`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.forms import DateInput
from groups.models import Membership

from .dynamics import ASPECTS
from .models import CohesionReason, FollowUpOwner, ProblemArea, VisitKind
from .rules import MAX_PHOTOS, membership_active_on

FOLLOW_UP_ROWS = 3
FOLLOW_UP_FIELDS = ("action", "owner", "owner_membership", "due_on")
NOT_OBSERVED = _("Tidak diamati")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files under one name (the page shows three inputs named `photos`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(item, initial) for item in files if item]


def _a_key(value) -> bool:
    """A value that can be a row's key: a number the database can hold (a typed-in
    40-digit number must be refused as a wrong choice, not crash SQLite)."""
    text = str(value).strip()
    return text.isdigit() and len(text) <= 18


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.person.name

    def to_python(self, value):
        if value not in self.empty_values and not _a_key(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class AttendeesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person.name} ({obj.get_role_display()})"

    def _check_values(self, value):
        for key in value:
            if not _a_key(key):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        return super()._check_values(value)


def aspect_field(aspect) -> forms.TypedChoiceField:
    """An aspect of the group's dynamics: the facilitator picks the sentence that fits."""
    return forms.TypedChoiceField(
        label=aspect.label,
        choices=[("", NOT_OBSERVED), *((level, text) for level, text in enumerate(aspect.levels, start=1))],
        coerce=int,
        empty_value=None,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Tanggal kunjungan"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Jenis kunjungan"), choices=VisitKind.choices)
    attendees = AttendeesField(
        label=_("Anggota yang hadir"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    activities = forms.CharField(
        label=_("Kegiatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    problem_areas = forms.MultipleChoiceField(
        label=_("Bidang masalah"), choices=ProblemArea.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    problems = forms.CharField(
        label=_("Masalah yang ditemukan"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    cohesion_reason = forms.ChoiceField(
        label=_("Mengapa anggota bertahan?"),
        choices=[("", NOT_OBSERVED), *CohesionReason.choices],
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
    photos = PhotosField(
        label=_("Foto"), required=False, help_text=_("Paling banyak tiga foto; lokasi di dalam berkas foto dihapus.")
    )
    latitude = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-location": "latitude"}))
    longitude = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-location": "longitude"}))
    accuracy = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-location": "accuracy"}))

    def __init__(self, *args, kube, kinds, visit=None, photos=(), **kwargs):
        """`visit`: the recorded visit being corrected (with its `photos`); its form ticks
        members active on its day too, and agrees no new follow-ups (they are closed on
        the visit list, and new ones are agreed at a new visit)."""
        super().__init__(*args, **kwargs)
        self.kube = kube
        self.visit = visit
        today = timezone.localdate()
        self.fields["visited_on"].initial = today
        self.fields["kind"].choices = [(value, label) for value, label in VisitKind.choices if value in kinds]
        self.fields["kind"].initial = self.fields["kind"].choices[0][0]
        # The tick list shows today's members (and, when correcting, those of the visit's
        # day); a ticked former member is refused by the service with their name (it
        # checks the visit's date).
        members = Membership.objects.filter(kube=kube).select_related("person").order_by("person__name")
        self.fields["attendees"].queryset = members
        active = [m for m in members if m.left_on is None]
        tickable = active
        if visit is not None:
            tickable = [
                m
                for m in members
                if m.left_on is None
                or membership_active_on(joined_on=m.joined_on, left_on=m.left_on, day=visit.visited_on)
            ]
        self.fields["attendees"].widget.choices = [
            (m.pk, self.fields["attendees"].label_from_instance(m)) for m in tickable
        ]
        for aspect in ASPECTS:
            self.fields[aspect.field] = aspect_field(aspect)
        self.photos = list(photos)
        if visit is not None:
            self.fields["delete_photos"] = forms.TypedMultipleChoiceField(
                label=_("Hapus foto"),
                choices=[(photo.pk, photo.pk) for photo in self.photos],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            return
        for index in range(FOLLOW_UP_ROWS):
            self.fields[f"followup_{index}_action"] = forms.CharField(
                label=_("Tindak lanjut"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"followup_{index}_owner"] = forms.ChoiceField(
                label=_("Oleh"), required=False, choices=[("", "---------"), *FollowUpOwner.choices]
            )
            member_field = MemberChoiceField(label=_("Anggota (bila oleh anggota)"), queryset=members, required=False)
            member_field.widget.choices = [("", "---------")] + [(m.pk, m.person.name) for m in active]
            self.fields[f"followup_{index}_owner_membership"] = member_field
            self.fields[f"followup_{index}_due_on"] = forms.DateField(
                label=_("Batas waktu"), required=False, widget=DateInput()
            )

    @property
    def aspect_fields(self):
        return [self[aspect.field] for aspect in ASPECTS]

    @property
    def follow_up_rows(self):
        if self.visit is not None:
            return []
        return [[self[f"followup_{index}_{name}"] for name in FOLLOW_UP_FIELDS] for index in range(FOLLOW_UP_ROWS)]

    @property
    def existing_photos(self):
        """(photo, its "Hapus foto" checkbox) for each photo of the visit being corrected."""
        if self.visit is None:
            return []
        return list(zip(self.photos, self["delete_photos"], strict=True))

    @property
    def photo_inputs(self):
        # A visit with three photos still offers one input: tick one to remove, add its replacement.
        return range(1, max(MAX_PHOTOS - len(self.photos), 1) + 1)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        if self.visit is not None:
            return self._visit_kwargs() | {"delete_photos": data["delete_photos"]}
        follow_ups = []
        for index in range(FOLLOW_UP_ROWS):
            row = {name: data.get(f"followup_{index}_{name}") for name in FOLLOW_UP_FIELDS}
            if not any(row.values()):
                continue  # an empty row: nothing agreed there
            row["action"] = row["action"] or ""
            row["owner"] = row["owner"] or ""
            row["row"] = index
            follow_ups.append(row)
        return self._visit_kwargs() | {"follow_ups": follow_ups}

    def _visit_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "visited_on": data["visited_on"],
            "kind": data["kind"],
            "attendees": list(data["attendees"]),
            "activities": data["activities"],
            "problem_areas": data["problem_areas"],
            "problems": data["problems"],
            "notes": data["notes"],
            "scores": {aspect.field: data.get(aspect.field) for aspect in ASPECTS},
            "cohesion_reason": data["cohesion_reason"],
            "location": {
                "latitude": data["latitude"],
                "longitude": data["longitude"],
                "accuracy": data["accuracy"],
            },
            "photos": data["photos"],
        }


class FollowUpCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Selesai pada"), widget=DateInput())
    # Not required here: the service's rule says what is missing, in the words the import uses too.
    outcome = forms.CharField(
        label=_("Hasil"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()
