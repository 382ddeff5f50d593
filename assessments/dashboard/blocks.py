"""The dashboard's blocks: each one's table of numbers (shown beside its chart and
exported as .xlsx / .csv) and its figure, built from one or two selector queries.

The page builds every block; an export builds only the one asked for, with its lists
complete rather than cut to the first rows.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from finances import selectors as finances
from groups.models import BusinessField
from monitoring import selectors as monitoring

from ..models import CATEGORY_RANK, Category
from ..rubric import NEXT_CATEGORY
from ..selectors import FLAG_LABELS
from . import charts, selectors
from .filters import DashboardParams
from .selectors import CATEGORIES, NOT_ASSESSED, CategoryRow

LIST_LIMIT = 25  # rows of a group list on the page; the export has them all


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text, int, money, percent, change, link, list


@dataclass(frozen=True)
class Link:
    """A cell that links to a page; exported as its text."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None  # a last row in bold, also exported
    more: int = 0  # rows left off the page (the export has them)

    def cells(self) -> list[list[tuple[str, Any]]]:
        """Each row as (kind, value) pairs, for the template."""
        return [[(column.kind, value) for column, value in zip(self.columns, row, strict=True)] for row in self.rows]

    def total_cells(self) -> list[tuple[str, Any]]:
        return [(column.kind, value) for column, value in zip(self.columns, self.total or [], strict=False)]

    def export_rows(self) -> list[list[Any]]:
        rows = [*self.rows, self.total] if self.total else list(self.rows)
        return [[_plain(value) for value in row] for row in rows]


def _plain(value: Any) -> Any:
    if isinstance(value, Link):
        return value.text
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dt.date | int | float | str) or value is None:
        return value
    return str(value)


@dataclass
class Block:
    key: str
    title: str
    table: Table
    figure: dict | None = None
    summary: str = ""  # the figure's text alternative (charts.*_summary)
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def figure_id(self) -> str:
        return f"figure-{self.key}"


def category_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Category.choices}


def _kube_link(kube) -> Link:
    return Link(kube.name, reverse("groups:kube_detail", kwargs={"pk": kube.pk}))


def _category_columns(first: str) -> list[Column]:
    labels = category_labels()
    return [
        Column(first),
        *(Column(labels[c], "int") for c in CATEGORIES),
        Column(_("Belum dinilai"), "int"),
        Column(_("Jumlah"), "int"),
    ]


def _category_rows(rows: list[CategoryRow]) -> tuple[list[list], list]:
    body = [[row.label, *(row.counts[c] for c in CATEGORIES), row.counts[NOT_ASSESSED], row.total] for row in rows]
    total = [_("Jumlah")] + [sum(row[i] for row in body) for i in range(1, len(CATEGORIES) + 3)]
    return body, total


# --- The blocks ---------------------------------------------------------------------------------


def categories_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    labels = category_labels()
    now = selectors.counts_by_category(params.kubes, params.as_of)
    before = selectors.counts_by_category(params.kubes, params.year_before)
    rows = [[labels[c], now[c], before[c], now[c] - before[c]] for c in CATEGORIES]
    rows.append([_("Belum dinilai"), now[NOT_ASSESSED], before[NOT_ASSESSED], now[NOT_ASSESSED] - before[NOT_ASSESSED]])
    total_now, total_before = sum(now.values()), sum(before.values())
    before_title = _("Per %(date)s") % {"date": date_format(params.year_before, "j M Y")}
    now_title = _("Per %(date)s") % {"date": date_format(params.as_of, "j M Y")}
    table = Table(
        columns=[
            Column(_("Kategori")),
            Column(now_title, "int"),
            Column(_("Setahun sebelumnya"), "int"),
            Column(_("Perubahan"), "change"),
        ],
        rows=rows,
        total=[_("Jumlah"), total_now, total_before, total_now - total_before],
    )
    return Block(
        key="kategori",
        title=_("KUBE per kategori"),
        table=table,
        figure=charts.category_change_figure(now, before, labels, titles=(before_title, now_title)),
        summary=charts.category_change_summary(now, before, labels, titles=(before_title, now_title)),
        note=_("Kategori akhir dari penilaian terakhir pada atau sebelum tanggal itu; KUBE bubar tidak dihitung."),
        extra={"counts": now, "before": before},
    )


def city_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    rows = selectors.by_city(params.kubes, params.as_of)
    body, total = _category_rows(rows)
    return Block(
        key="kota",
        title=_("Kategori per kota"),
        table=Table(columns=_category_columns(_("Kota")), rows=body, total=total),
        figure=charts.stacked_categories_figure(rows, category_labels(), horizontal=True),
        summary=charts.stacked_categories_summary(rows, category_labels()),
    )


def kecamatan_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    rows = selectors.by_kecamatan(params.kubes, params.as_of)
    body, total = _category_rows(rows)
    return Block(
        key="kecamatan",
        title=_("Kategori per kecamatan"),
        table=Table(columns=_category_columns(_("Kecamatan")), rows=body, total=total),
        figure=charts.stacked_categories_figure(rows, category_labels(), horizontal=True),
        summary=charts.stacked_categories_summary(rows, category_labels()),
    )


def business_field_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    names = {value: str(label) for value, label in BusinessField.choices}
    rows = selectors.by_business_field(params.kubes, params.as_of)
    for row in rows:
        row.label = names.get(row.key, row.key)
    body, total = _category_rows(rows)
    return Block(
        key="jenis_usaha",
        title=_("Kategori per jenis usaha"),
        table=Table(columns=_category_columns(_("Jenis usaha")), rows=body, total=total),
        figure=charts.stacked_categories_figure(rows, category_labels(), horizontal=True),
        summary=charts.stacked_categories_summary(rows, category_labels()),
    )


def years_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    rows = selectors.by_year(params.kubes, params.as_of)
    labels = category_labels()
    body = [[row.label, *(row.counts[c] for c in CATEGORIES), row.assessed] for row in rows]
    return Block(
        key="tahunan",
        title=_("Kategori dari tahun ke tahun"),
        table=Table(
            columns=[
                Column(_("Tahun")),
                *(Column(labels[c], "int") for c in CATEGORIES),
                Column(_("Dinilai"), "int"),
            ],
            rows=body,
        ),
        figure=charts.stacked_categories_figure(rows, labels) if rows else None,
        summary=charts.stacked_categories_summary(rows, labels),
        note=_("Penilaian per 31 Desember setiap tahun."),
    )


def _period_text(params: DashboardParams) -> str:
    return _("%(start)s sampai %(end)s") % {
        "start": date_format(params.movement_from, "j M Y"),
        "end": date_format(params.as_of, "j M Y"),
    }


def movements_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    labels = category_labels()
    matrix = selectors.movement_matrix(params.kubes, params.movement_from, params.as_of)
    body = []
    for start in CATEGORIES:
        counts = [matrix.get((start, end), 0) for end in CATEGORIES]
        body.append([labels[start], *counts, sum(counts)])
    up = sum(n for (a, b), n in matrix.items() if CATEGORY_RANK[b] > CATEGORY_RANK[a])
    down = sum(n for (a, b), n in matrix.items() if CATEGORY_RANK[b] < CATEGORY_RANK[a])
    return Block(
        key="perpindahan",
        title=_("Perpindahan kategori"),
        table=Table(
            columns=[
                Column(_("Dari \\ menjadi")),
                *(Column(labels[c], "int") for c in CATEGORIES),
                Column(_("Jumlah"), "int"),
            ],
            rows=body,
            total=[_("Jumlah"), *(sum(row[i] for row in body) for i in range(1, len(CATEGORIES) + 2))],
        ),
        figure=charts.movement_figure(matrix, labels),
        summary=charts.movement_summary(matrix),
        note=_("%(period)s; KUBE yang sudah dinilai pada kedua tanggal.") % {"period": _period_text(params)},
        extra={"up": up, "down": down},
    )


def moved_groups_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    labels = category_labels()
    limit = None if full else LIST_LIMIT
    rows, more = [], 0
    for up in (True, False):
        groups = selectors.moved_groups(params.kubes, params.movement_from, params.as_of, up=up, limit=limit)
        direction = _("naik") if up else _("turun")
        for kube in groups:
            rows.append(
                [
                    direction,
                    _kube_link(kube),
                    kube.no_registrasi,
                    kube.kelurahan.kecamatan.name,
                    labels[kube.category_from],
                    labels[kube.category_to],
                    kube.score_to,
                ]
            )
    matrix_block = (built or {}).get("perpindahan")
    if not full and matrix_block is not None:
        more = matrix_block.extra["up"] + matrix_block.extra["down"] - len(rows)
    return Block(
        key="kelompok_pindah",
        title=_("KUBE yang naik dan turun kategori"),
        table=Table(
            columns=[
                Column(_("Arah")),
                Column(_("KUBE"), "link"),
                Column(_("Nomor registrasi")),
                Column(_("Kecamatan")),
                Column(_("Dari")),
                Column(_("Menjadi")),
                Column(_("Skor"), "decimal"),
            ],
            rows=rows,
            more=max(more, 0),
        ),
        note=_period_text(params),
    )


def money_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    rows = selectors.money_by_month(params.kubes, params.last_month)
    body = [[date_format(row.period, "F Y"), row.reports, row.income, row.iks] for row in rows]
    return Block(
        key="keuangan",
        title=_("Pendapatan dan IKS terkumpul per bulan"),
        table=Table(
            columns=[
                Column(_("Bulan")),
                Column(_("Laporan"), "int"),
                Column(_("Pendapatan"), "money"),
                Column(_("IKS terkumpul"), "money"),
            ],
            rows=body,
            total=[_("Jumlah"), *(sum(row[i] for row in body) for i in (1, 2, 3))],
        ),
        figure=charts.money_figure(rows),
        summary=charts.money_summary(rows),
        note=_("Dari laporan bulanan yang diajukan dan terverifikasi."),
    )


def completeness_trend_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    rows = finances.completeness_trend(params.last_month, months=12, kubes=params.kubes)
    body = [
        [date_format(r.period, "F Y"), r.expected, r.submitted, r.completeness, r.on_time, r.timeliness, r.verified]
        for r in rows
    ]
    return Block(
        key="kelengkapan_bulanan",
        title=_("Kelengkapan laporan per bulan"),
        table=Table(
            columns=[
                Column(_("Bulan")),
                Column(_("Diharapkan"), "int"),
                Column(_("Masuk"), "int"),
                Column(_("Kelengkapan"), "percent"),
                Column(_("Tepat waktu"), "int"),
                Column(_("Ketepatan"), "percent"),
                Column(_("Terverifikasi"), "int"),
            ],
            rows=body,
        ),
        figure=charts.completeness_trend_figure(rows),
        summary=charts.completeness_trend_summary(rows),
        note=_("Diharapkan: satu laporan dari setiap KUBE aktif yang sudah berdiri."),
    )


def completeness_facilitator_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    rows = finances.completeness_by_facilitator(params.last_month, kubes=params.kubes)
    nobody = _("Tanpa pendamping")
    body = [
        [r.facilitator_name if r.facilitator_id else nobody, r.expected, r.submitted, r.completeness, r.missing]
        for r in rows
    ]
    total = finances.completeness_total(rows, params.last_month)
    return Block(
        key="kelengkapan_pendamping",
        title=_("Kelengkapan laporan %(month)s per pendamping") % {"month": date_format(params.last_month, "F Y")},
        table=Table(
            columns=[
                Column(_("Pendamping")),
                Column(_("Diharapkan"), "int"),
                Column(_("Masuk"), "int"),
                Column(_("Kelengkapan"), "percent"),
                Column(_("Belum masuk"), "int"),
            ],
            rows=body,
            total=[_("Jumlah"), total.expected, total.submitted, total.completeness, total.missing],
        ),
        figure=charts.completeness_facilitator_figure(rows, no_facilitator=nobody) if rows else None,
        summary=charts.completeness_facilitator_summary(rows, no_facilitator=nobody),
    )


def _flag_reasons(assessment) -> list[str]:
    return [
        f"{str(FLAG_LABELS.get(flag.get('key'), flag.get('key'))).lower()}: {reason}"
        for flag in assessment.flags or []
        for reason in flag.get("reasons", [])
    ]


def at_risk_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    labels = category_labels()
    count, assessments = selectors.at_risk(params.kubes, params.as_of, limit=None if full else LIST_LIMIT)
    rows = [
        [
            _kube_link(a.kube),
            a.kube.no_registrasi,
            a.kube.kelurahan.kecamatan.name,
            labels.get(a.final_category, a.final_category),
            a.as_of,
            _flag_reasons(a),
        ]
        for a in assessments
    ]
    return Block(
        key="berisiko",
        title=_("KUBE berisiko dan tidak aktif"),
        table=Table(
            columns=[
                Column(_("KUBE"), "link"),
                Column(_("Nomor registrasi")),
                Column(_("Kecamatan")),
                Column(_("Kategori")),
                Column(_("Dinilai"), "date"),
                Column(_("Alasan"), "list"),
            ],
            rows=rows,
            more=count - len(rows),
        ),
        extra={"count": count},
    )


def closest_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    labels = category_labels()
    closest = selectors.closest_to_next(params.kubes, params.as_of, limit=100 if full else 10)
    rows = []
    for category, assessments in closest.items():
        following = NEXT_CATEGORY[category]
        for a in assessments:
            rows.append(
                [
                    _kube_link(a.kube),
                    a.kube.kelurahan.kecamatan.name,
                    labels[category],
                    labels[following],
                    a.score,
                    list(a.missing or []),
                ]
            )
    return Block(
        key="terdekat",
        title=_("Paling dekat ke kategori berikutnya"),
        table=Table(
            columns=[
                Column(_("KUBE"), "link"),
                Column(_("Kecamatan")),
                Column(_("Kategori")),
                Column(_("Berikutnya")),
                Column(_("Skor"), "decimal"),
                Column(_("Yang masih kurang"), "list"),
            ],
            rows=rows,
        ),
        note=_("Skor tertinggi di setiap kategori (rubrik Registri KUBE v1, berdasarkan kriteria Kemensos)."),
    )


def coverage_block(params: DashboardParams, *, full: bool = False, built: dict | None = None) -> Block:
    days = monitoring.period_days()
    rows = monitoring.coverage_by_kecamatan(params.kubes, params.as_of, days)
    total = monitoring.coverage_total(rows)
    return Block(
        key="cakupan_kunjungan",
        title=_("Cakupan kunjungan"),
        table=Table(
            columns=[
                Column(_("Kecamatan")),
                Column(_("KUBE aktif"), "int"),
                Column(_("Dikunjungi"), "int"),
                Column(_("Belum dikunjungi"), "int"),
                Column(_("Cakupan"), "percent"),
            ],
            rows=[[r.label, r.active, r.covered, r.not_covered, r.percent] for r in rows],
            total=[_("Jumlah"), total.active, total.covered, total.not_covered, total.percent],
        ),
        figure=charts.coverage_figure(rows) if rows else None,
        summary=charts.coverage_summary(rows),
        note=_(
            "KUBE aktif dengan kunjungan dalam %(days)s hari sampai %(date)s (tanggal itu termasuk); "
            "per pendamping di halaman Pemantauan."
        )
        % {"days": days, "date": date_format(params.as_of, "j M Y")},
    )


BLOCKS: dict[str, Callable[..., Block]] = {
    "kategori": categories_block,
    "kota": city_block,
    "kecamatan": kecamatan_block,
    "jenis_usaha": business_field_block,
    "tahunan": years_block,
    "perpindahan": movements_block,
    "kelompok_pindah": moved_groups_block,
    "keuangan": money_block,
    "kelengkapan_bulanan": completeness_trend_block,
    "kelengkapan_pendamping": completeness_facilitator_block,
    "cakupan_kunjungan": coverage_block,
    "berisiko": at_risk_block,
    "terdekat": closest_block,
}


# Blocks only a dashboard over several cities has.
SEVERAL_CITIES_ONLY = {"kota"}
# Blocks of one city's places and people: over several cities (a province, the country) they
# would list every kecamatan and facilitator (thousands of rows); picking a city brings them back.
ONE_CITY_ONLY = {"kecamatan", "kelengkapan_pendamping"}


def shown(key: str, params: DashboardParams) -> bool:
    if key in SEVERAL_CITIES_ONLY:
        return params.several_cities
    if key in ONE_CITY_ONLY:
        return not params.several_cities
    return True


def build_all(params: DashboardParams) -> dict[str, Block]:
    """Every block for the page, in order (the group lists cut to their first rows)."""
    built: dict[str, Block] = {}
    for key, build in BLOCKS.items():
        if not shown(key, params):
            continue
        built[key] = build(params, built=built)
    return built
