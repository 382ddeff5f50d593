"""The kelompok sheet's assessment columns: `kategori`, `skor`, `tanggal_penilaian`.

pages/workbook.py adds them to the kelompok sheet of the registry export
(`export_registry` and the group list's export), so `groups` never imports this app.
"""

from decimal import Decimal
from typing import Any

from .models import Assessment

ASSESSMENT_COLUMNS = ("kategori", "skor", "tanggal_penilaian")


def _number(score: Decimal) -> int | float:
    """A spreadsheet number: 72 for 72.0, 72.5 for 72.5."""
    return int(score) if score == score.to_integral_value() else float(score)


def latest_assessment_columns(kube_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each group's latest assessment (by as-of date): final category, score, date. One query.

    Groups never assessed are left out, so their cells stay blank.
    """
    rows = (
        Assessment.objects.filter(kube_id__in=kube_ids)
        .latest_per_kube()
        .order_by()
        .values_list("kube_id", "final_category", "score", "as_of")
    )
    return {
        kube_id: {"kategori": category, "skor": _number(score), "tanggal_penilaian": as_of}
        for kube_id, category, score, as_of in rows
    }
