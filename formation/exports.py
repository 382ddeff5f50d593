"""The proposal list out: the `usulan` sheet (.xlsx or .csv), one row per family on each proposal.

The columns are the import's (formation.resources.UsulanSheet), each written by its
widget, so an unmasked export imports back `unchanged`. NIK and KK and phone are
masked, and the birth date left blank, for readers who may not see personal data
(kube_registry.masking). One query whatever the number of rows.
"""

import io
from collections.abc import Iterator
from typing import Any

from kube_registry.exporting import Column, csv_bytes, header, table_rows, write_xlsx

from .models import ProposalCandidate
from .resources import UsulanSheet

SHEET = "usulan"
_usulan = UsulanSheet.widget


def _text(value) -> str:
    return value or ""


USULAN_COLUMNS = (
    Column("kode_usulan", "proposal__code"),
    Column("nama_kube", "proposal__name"),
    Column("kecamatan", "proposal__kelurahan__kecamatan__name"),
    Column("kelurahan", "proposal__kelurahan__name"),
    Column("rt", "proposal__rt"),
    Column("alamat", "proposal__address"),
    Column("jenis_usaha", "proposal__business_field", _usulan("jenis_usaha").render),
    Column("uraian_usaha", "proposal__business_description"),
    Column("wilayah", "proposal__area_type", _usulan("wilayah").render),
    Column("pengusul", "proposal__proposer_kind", _usulan("pengusul").render),
    Column("nama_pengusul", "proposal__proposer_name"),
    Column("tanggal_usulan", "proposal__proposed_on"),
    Column("pendamping", "proposal__facilitator__username", _text),
    Column("sumber_bantuan", "proposal__grant_source", _usulan("sumber_bantuan").render),
    Column("jumlah_bantuan", "proposal__grant_amount"),
    Column("nik", "candidate__nik", personal="nik"),
    Column("no_kk", "candidate__kk", personal="kk"),
    Column("nama", "candidate__name"),
    Column("jenis_kelamin", "candidate__sex", _usulan("jenis_kelamin").render),
    Column("tanggal_lahir", "candidate__birth_on", personal="birth"),
    Column("kelurahan_calon", "candidate__kelurahan__code"),
    Column("rt_calon", "candidate__rt"),
    Column("kepala_keluarga", "candidate__is_head_of_family", _usulan("kepala_keluarga").render),
    Column("pencari_nafkah_utama", "candidate__is_main_earner", _usulan("pencari_nafkah_utama").render),
    Column("dtks", "candidate__is_dtks", _usulan("dtks").render),
    Column("desil_dtks", "candidate__dtks_decile"),
    Column("pkh", "candidate__is_pkh", _usulan("pkh").render),
    Column("tanggungan", "candidate__dependents"),
    Column("kesediaan", "candidate__willingness", _usulan("kesediaan").render),
    Column("jabatan", "role", _usulan("jabatan").render),
    Column("telepon", "candidate__phone", personal="phone"),
)


def usulan_columns() -> list[str]:
    return header(USULAN_COLUMNS)


def usulan_rows(proposals, *, can_see_personal_data: bool) -> Iterator[list[Any]]:
    """One row per family on each proposal, in `USULAN_COLUMNS` order: one query."""
    entries = ProposalCandidate.objects.filter(proposal__in=proposals).order_by("proposal__code", "pk")
    return table_rows(entries, USULAN_COLUMNS, can_see_personal_data=can_see_personal_data)


def usulan_xlsx_bytes(proposals, *, mask: bool) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, [(SHEET, usulan_columns(), usulan_rows(proposals, can_see_personal_data=not mask))])
    return buffer.getvalue()


def usulan_csv_bytes(proposals, *, mask: bool) -> bytes:
    return csv_bytes(usulan_columns(), usulan_rows(proposals, can_see_personal_data=not mask))
