"""The registry as spreadsheets: the kelompok and anggota sheets of contract 4.

Both are registered with the export registry (`kube_registry.exporting`) in
`GroupsConfig.ready()`, next to the other apps' sheets. Each rows function takes the
groups to export (the command passes every group, the group list its filtered
queryset) and a `can_see_personal_data` flag: without it NIK, KK and phone are
masked and the birth date is left blank (kube_registry.masking). Values are written
the way the import reads them, so an unmasked export imports back to the same data;
the writers escape every text cell against formula injection.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from kube_registry.exporting import kelompok_column_values
from kube_registry.importing import chunked
from kube_registry.masking import present_personal

from .models import Kube, Membership
from .resources import AnggotaResource, KelompokResource

# Added to the kelompok columns. The last three come from the providers registered with
# kube_registry.exporting.register_kelompok_columns (the assessment), blank without one.
KELOMPOK_EXTRA_COLUMNS = ("jumlah_anggota", "kategori", "skor", "tanggal_penilaian")
PROVIDED_COLUMNS = KELOMPOK_EXTRA_COLUMNS[1:]
CHUNK = 2_000
# The stored values of a kelompok row in column order, each with the import column whose
# widget writes it (None: written as stored).
KELOMPOK_VALUES = (
    ("no_registrasi", None),
    ("name", None),
    ("kelurahan__kecamatan__name", None),
    ("kelurahan__name", None),
    ("rt", None),
    ("address", None),
    ("founded_on", None),
    ("business_field", "jenis_usaha"),
    ("business_description", None),
    ("area_type", "wilayah"),
    ("initiative", "prakarsa"),
    ("facilitator__username", None),
    ("status", "status"),
    ("financial_institution", "lkm_koperasi"),
    ("financial_institution_on", None),
    ("active_member_count", None),  # jumlah_anggota
)


def kelompok_columns() -> list[str]:
    return [*KelompokResource.column_names(), *KELOMPOK_EXTRA_COLUMNS]


def anggota_columns() -> list[str]:
    return AnggotaResource.column_names()


def _renderers(resource) -> dict[str, Any]:
    return {name: field.widget.render for name, field in resource.fields.items()}


def kelompok_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool = False) -> Iterator[list[Any]]:
    """One list per group, in `kelompok_columns()` order; dates stay dates.

    One query for the groups, and one per registered column provider for every
    `CHUNK` groups.
    """
    render = _renderers(KelompokResource)
    writers = [render[column] if column else None for _value, column in KELOMPOK_VALUES]
    rows = (
        kubes.with_member_count()
        .order_by("no_registrasi")
        .values_list("pk", *(value for value, _column in KELOMPOK_VALUES))
    )
    for block in chunked(rows.iterator(chunk_size=CHUNK), CHUNK):
        provided = kelompok_column_values([row[0] for row in block])
        for pk, *values in block:
            extra = provided.get(pk, {})
            yield [
                *(write(value) if write else value for write, value in zip(writers, values, strict=True)),
                *(extra.get(column) for column in PROVIDED_COLUMNS),
            ]


def anggota_rows(kubes: QuerySet[Kube], *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    """One list per membership in `kubes` (past ones too), in `anggota_columns()` order."""
    render = _renderers(AnggotaResource)
    memberships = Membership.objects.filter(kube__in=kubes)
    rows = memberships.order_by("kube__no_registrasi", "person__name", "joined_on", "pk").values_list(
        "kube__no_registrasi",
        "person__nik",
        "person__kk",
        "person__name",
        "person__sex",
        "person__birth_on",
        "role",
        "joined_on",
        "left_on",
        "leave_reason",
        "person__is_dtks",
        "person__is_pkh",
        "person__phone",
    )
    for number, nik, kk, name, sex, birth_on, role, joined_on, left_on, reason, dtks, pkh, phone in rows.iterator(
        chunk_size=CHUNK
    ):
        shown = present_personal(
            can_see=can_see_personal_data, nik=nik, kk=kk, phone=phone, birth_on=birth_on, export=True
        )
        yield [
            number,
            shown.nik,
            shown.kk,
            name,
            render["jenis_kelamin"](sex),
            shown.birth,
            render["jabatan"](role),
            joined_on,
            left_on,
            render["alasan_keluar"](reason),
            render["dtks"](dtks),
            render["pkh"](pkh),
            shown.phone,
        ]


def register_export_sheets() -> None:
    from kube_registry.exporting import register_export_sheet

    register_export_sheet("kelompok", kelompok_columns(), kelompok_rows)
    register_export_sheet("anggota", anggota_columns(), anggota_rows)
