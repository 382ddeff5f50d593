"""The registry as spreadsheets: the kelompok and anggota sheets of contract 4.

Functions take querysets (the command passes everything; the group list passes its
filtered queryset) and a `can_see_personal_data` flag: without it NIK and KK numbers
are masked. Values are written the way the import reads them, so an unmasked export
imports back to the same data. Every text cell is escaped against formula injection.
"""

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet

from kube_registry.nik import mask_id_number
from kube_registry.values import escape_csv_cell

from .models import Membership
from .resources import AnggotaResource, KelompokResource

# Added to the kelompok columns. The assessment columns stay empty until assessments exist.
KELOMPOK_EXTRA_COLUMNS = ("jumlah_anggota", "kategori", "skor", "tanggal_penilaian")
CHUNK = 2_000


def kelompok_columns() -> list[str]:
    return [*KelompokResource.column_names(), *KELOMPOK_EXTRA_COLUMNS]


def anggota_columns() -> list[str]:
    return AnggotaResource.column_names()


def _renderers(resource) -> dict[str, Any]:
    return {name: field.widget.render for name, field in resource.fields.items()}


def kelompok_rows(kubes: QuerySet) -> Iterator[list[Any]]:
    """One list per group, in `kelompok_columns()` order; dates stay dates."""
    render = _renderers(KelompokResource)
    rows = (
        kubes.with_member_count()
        .order_by("no_registrasi")
        .values_list(
            "no_registrasi",
            "name",
            "kelurahan__kecamatan__name",
            "kelurahan__name",
            "rt",
            "address",
            "founded_on",
            "business_field",
            "business_description",
            "area_type",
            "initiative",
            "facilitator__username",
            "status",
            "financial_institution",
            "financial_institution_on",
            "active_member_count",
        )
    )
    for (
        number,
        name,
        kecamatan,
        kelurahan,
        rt,
        address,
        founded_on,
        business_field,
        description,
        area_type,
        initiative,
        facilitator,
        status,
        institution,
        institution_on,
        members,
    ) in rows.iterator(chunk_size=CHUNK):
        yield [
            number,
            name,
            kecamatan,
            kelurahan,
            rt,
            address,
            founded_on,
            render["jenis_usaha"](business_field),
            description,
            render["wilayah"](area_type),
            render["prakarsa"](initiative),
            facilitator or "",
            render["status"](status),
            render["lkm_koperasi"](institution),
            institution_on,
            members,
            "",  # kategori
            "",  # skor
            None,  # tanggal_penilaian
        ]


def anggota_rows(memberships: QuerySet, *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    """One list per membership (past ones too), in `anggota_columns()` order."""
    render = _renderers(AnggotaResource)
    hide = (lambda number: number) if can_see_personal_data else mask_id_number
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
        yield [
            number,
            hide(nik),
            hide(kk),
            name,
            render["jenis_kelamin"](sex),
            birth_on,
            render["jabatan"](role),
            joined_on,
            left_on,
            render["alasan_keluar"](reason),
            render["dtks"](dtks),
            render["pkh"](pkh),
            phone,
        ]


def _text_cell(value: Any) -> Any:
    return escape_csv_cell(value) if isinstance(value, str) else value


def write_registry_xlsx(kubes: QuerySet, output: IO[bytes], *, can_see_personal_data: bool) -> dict[str, int]:
    """The kelompok and anggota sheets of `kubes` into `output`; returns rows per sheet."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    counts = {}
    sheets = (
        ("kelompok", kelompok_columns(), kelompok_rows(kubes)),
        (
            "anggota",
            anggota_columns(),
            anggota_rows(Membership.objects.filter(kube__in=kubes), can_see_personal_data=can_see_personal_data),
        ),
    )
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(columns)
        count = 0
        for row in rows:
            # Escaped text never starts with "=", so openpyxl stores no formula.
            sheet.append([_text_cell(value) for value in row])
            count += 1
        counts[title] = count
    workbook.save(output)
    return counts


def registry_xlsx_bytes(kubes: QuerySet, *, can_see_personal_data: bool) -> bytes:
    buffer = io.BytesIO()
    write_registry_xlsx(kubes, buffer, can_see_personal_data=can_see_personal_data)
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _text_cell(value)


def write_kelompok_csv(kubes: QuerySet, output: IO[str]) -> int:
    """The kelompok sheet as CSV (comma, UTF-8; open the file with newline="")."""
    writer = csv.writer(output)
    writer.writerow(kelompok_columns())
    count = 0
    for row in kelompok_rows(kubes):
        writer.writerow([_csv_value(value) for value in row])
        count += 1
    return count


def kelompok_csv_bytes(kubes: QuerySet) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Indonesian names correctly."""
    buffer = io.StringIO(newline="")
    write_kelompok_csv(kubes, buffer)
    return buffer.getvalue().encode("utf-8-sig")
