"""The `kunjungan` and `pelatihan` sheets of the registry export (contract 4).

Column tables named in pages/workbook.py, rows in the columns of the import sheets
(monitoring.resources), so an unmasked export imports back unchanged. Two queries per
sheet whatever the number of rows: the rows, then the members named in them.

- `kunjungan`: every visit of the groups (photos are not exported). `hadir` is the NIKs
  of the members ticked present, masked unless the reader may see personal data; a
  visit without ticks gives its head count.
- `pelatihan`: the trainings a member of the groups took part in; `peserta` names only
  the members of the exported groups (a facilitator's export shows no other group's
  members). A training without participants belongs to no group and is not exported.
"""

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from groups.models import Kube
from kube_registry.exporting import Column

from .models import Training, Visit
from .resources import OFFICE, SCORE_COLUMNS, KunjunganSheet, PelatihanSheet

KUNJUNGAN_COLUMNS = (
    Column("no_registrasi", "kube__no_registrasi"),
    Column("tanggal", "visited_on"),
    Column("jenis", "kind", KunjunganSheet.widget("jenis").render),
    Column("petugas", "visitor__username"),
    Column("hadir"),  # the rows function: NIKs or the head count
    Column("kegiatan", "activities"),
    Column("masalah", "problems"),
    *(Column(column, field) for column, field in SCORE_COLUMNS.items()),
)
PELATIHAN_COLUMNS = (
    Column("judul", "title"),
    Column("tanggal", "held_on"),
    Column("jenis", "kind", PelatihanSheet.widget("jenis").render),
    Column("penyelenggara", "organiser__name"),
    Column("peserta"),  # the rows function: NIKs
)

_nik_cell = Column("nik", "nik", personal="nik")


def _niks(through_rows, *, can_see_personal_data: bool) -> dict[int, list[str]]:
    shown = _nik_cell.cell(can_see_personal_data=can_see_personal_data)
    found: dict[int, list[str]] = defaultdict(list)
    for owner, nik in through_rows:
        found[owner].append(shown(nik))
    return found


def kunjungan_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    visits = Visit.objects.filter(kube__in=kubes)
    through = Visit.attendees.through.objects.filter(visit__kube__in=kubes).order_by("membership__person__nik")
    niks = _niks(
        through.values_list("visit_id", "membership__person__nik"), can_see_personal_data=can_see_personal_data
    )
    write_kind = KunjunganSheet.widget("jenis").render
    fields = (
        "pk",
        "kube__no_registrasi",
        "visited_on",
        "kind",
        "visitor__username",
        "attendance_count",
        "activities",
        "problems",
    )
    ordered = visits.order_by("kube__no_registrasi", "visited_on", "kind")
    for values in ordered.values_list(*fields, *SCORE_COLUMNS.values()).iterator(chunk_size=2_000):
        pk, number, visited_on, kind, username, count, activities, problems, *scores = values
        present = niks.get(pk)
        hadir = ", ".join(present) if present else ("" if count is None else count)
        yield [number, visited_on, write_kind(kind), username, hadir, activities, problems, *scores]


def pelatihan_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    through = Training.participants.through.objects.filter(membership__kube__in=kubes).order_by(
        "membership__person__nik"
    )
    niks = _niks(
        through.values_list("training_id", "membership__person__nik"), can_see_personal_data=can_see_personal_data
    )
    write_kind = PelatihanSheet.widget("jenis").render
    trainings = Training.objects.filter(pk__in=list(niks)).order_by("held_on", "title")
    for pk, title, held_on, kind, organiser in trainings.values_list(
        "pk", "title", "held_on", "kind", "organiser__name"
    ):
        yield [title, held_on, write_kind(kind), organiser or OFFICE, ", ".join(niks[pk])]
