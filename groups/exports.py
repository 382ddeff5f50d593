"""The registry as spreadsheets: the kelompok and anggota sheets of contract 4.

One column table per sheet (kube_registry.exporting.Column): each column's name is
the import sheet's (groups.resources), its value read from the row and written by the
import widget's `render`, so an unmasked export imports back to the same data. The
rows functions take the groups to export (the command passes every group, the group
list its filtered queryset) and a `can_see_personal_data` flag: without it NIK, KK and
phone are masked and the birth date is left blank (kube_registry.masking).
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kube_registry.exporting import Column, row_reader, table_rows
from kube_registry.importing import chunked

from .models import Kube, Membership
from .resources import AnggotaSheet, KelompokSheet

CHUNK = 2_000
_kelompok = KelompokSheet.widget
_anggota = AnggotaSheet.widget

KELOMPOK_COLUMNS = (
    Column("no_registrasi", "no_registrasi"),
    Column("nama_kube", "name"),
    Column("kecamatan", "kelurahan__kecamatan__name"),
    Column("kelurahan", "kelurahan__name"),
    Column("rt", "rt"),
    Column("alamat", "address"),
    Column("tanggal_berdiri", "founded_on"),
    Column("jenis_usaha", "business_field", _kelompok("jenis_usaha").render),
    Column("uraian_usaha", "business_description"),
    Column("wilayah", "area_type", _kelompok("wilayah").render),
    Column("prakarsa", "initiative", _kelompok("prakarsa").render),
    Column("pendamping", "facilitator__username"),
    Column("status", "status", _kelompok("status").render),
    Column("lkm_koperasi", "financial_institution", _kelompok("lkm_koperasi").render),
    Column("tanggal_lkm_koperasi", "financial_institution_on"),
    # Beyond the import's columns (it reads past it): the active members today.
    Column("jumlah_anggota", "active_member_count"),
)

ANGGOTA_COLUMNS = (
    Column("no_registrasi", "kube__no_registrasi"),
    Column("nik", "person__nik", personal="nik"),
    Column("no_kk", "person__kk", personal="kk"),
    Column("nama", "person__name"),
    Column("jenis_kelamin", "person__sex", _anggota("jenis_kelamin").render),
    Column("tanggal_lahir", "person__birth_on", personal="birth"),
    Column("jabatan", "role", _anggota("jabatan").render),
    Column("tanggal_masuk", "joined_on"),
    Column("tanggal_keluar", "left_on"),
    Column("alasan_keluar", "leave_reason", _anggota("alasan_keluar").render),
    Column("dtks", "person__is_dtks", _anggota("dtks").render),
    Column("pkh", "person__is_pkh", _anggota("pkh").render),
    Column("telepon", "person__phone", personal="phone"),
)


@dataclass(frozen=True)
class AddedColumns:
    """Columns of the kelompok sheet another app computes (pages/workbook.py names them).

    `values(kube_ids)` receives one chunk of the sheet's group ids (at most `CHUNK`)
    and returns `{kube_id: {column: value}}` with ONE query for the whole chunk; a
    group it leaves out keeps those cells blank, and keys outside `names` are ignored.
    """

    names: tuple[str, ...]
    values: Callable[[list[int]], dict[int, dict[str, Any]]]


def kelompok_columns(added: Sequence[AddedColumns] = ()) -> tuple[Column, ...]:
    return (*KELOMPOK_COLUMNS, *(Column(name) for extra in added for name in extra.names))


def kelompok_rows(
    kubes: QuerySet[Kube], *, can_see_personal_data: bool = False, added: Sequence[AddedColumns] = ()
) -> Iterator[list[Any]]:
    """One list per group, in `kelompok_columns(added)` order; dates stay dates.

    One query for the groups, and one per added set of columns for every `CHUNK` groups.
    """
    paths, cells = row_reader(KELOMPOK_COLUMNS, can_see_personal_data=can_see_personal_data)
    rows = kubes.with_member_count().order_by("no_registrasi").values_list("pk", *paths)
    for block in chunked(rows.iterator(chunk_size=CHUNK), CHUNK):
        ids = [row[0] for row in block]
        found = [(extra.names, extra.values(ids)) for extra in added]
        for pk, *values in block:
            extra_cells = [answer.get(pk, {}).get(name) for names, answer in found for name in names]
            yield [*cells(values), *extra_cells]


def anggota_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    """One list per membership in `kubes` (past ones too), in `ANGGOTA_COLUMNS` order."""
    memberships = Membership.objects.filter(kube__in=kubes).order_by(
        "kube__no_registrasi", "person__name", "joined_on", "pk"
    )
    return table_rows(memberships, ANGGOTA_COLUMNS, can_see_personal_data=can_see_personal_data)
