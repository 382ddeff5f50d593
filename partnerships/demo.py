"""The partner network of the demo city, built by `seed_demo` after the groups exist.

KUBE Mekar Sari gets its 14 real partners with their forms exactly as BRIEF.md lists
them. Synthetic groups get networks shaped like the field studies describe: many with
no partner or one (usually the Dinas Sosial or the kelurahan's PKK), a few well
connected; savings-and-loans groups and groups with an LKM or cooperative are the
likeliest to borrow from a bank; some partnerships have ended, and a dissolved
group's ended by the time it dissolved. Every random choice comes from
`ctx.stream("partnerships")`, and nothing is dated after `ctx.today`.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from groups.models import BusinessField, Kube, KubeStatus
from kube_registry.demo_hooks import DemoContext

from .models import FORM_FIELDS, Partner, PartnerKind, Partnership, partner_name_key

KT, KO, PD, PM, PS = "konsultasi_teknis", "koordinasi", "pendampingan", "permodalan", "pemasaran"
K = PartnerKind


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    kind: str
    notes: str = ""


# BRIEF.md, Mekar Sari's network by form, with the month each began (2014-2016): the
# office and the kelurahan at founding, the cleanliness and environment agencies and
# the company CSR programme in the first months, the forums and media as it grew known.
MEKAR_SARI_NETWORK: tuple[tuple[PartnerSpec, tuple[str, ...], dt.date], ...] = (
    (PartnerSpec("Dinas Sosial dan Pemberdayaan Masyarakat", K.PEMERINTAH), (KT, KO, PD), dt.date(2014, 4, 14)),
    (
        PartnerSpec("PT Pupuk Kaltim", K.SWASTA, "Program CSR (tanggung jawab sosial perusahaan)."),
        (KT, KO, PD),
        dt.date(2014, 6, 2),
    ),
    (PartnerSpec("Disperindagkop Kota Bontang", K.PEMERINTAH), (KT, KO), dt.date(2014, 9, 15)),
    (PartnerSpec("Dinas Perikanan Kelautan dan Pertanian", K.PEMERINTAH), (KO,), dt.date(2015, 3, 10)),
    (PartnerSpec("Dinas Kebersihan dan Pertamanan", K.PEMERINTAH), (KT, KO), dt.date(2014, 5, 20)),
    (PartnerSpec("Badan Lingkungan Hidup", K.PEMERINTAH), (KT, KO), dt.date(2014, 8, 11)),
    (PartnerSpec("Yayasan Bikal Karya Lestari", K.LSM), (KT, KO, PD), dt.date(2014, 11, 3)),
    (PartnerSpec("Forum Kota Sehat", K.MASYARAKAT), (KO,), dt.date(2015, 5, 18)),
    (PartnerSpec("Forum Bontang Hijau", K.MASYARAKAT), (KO,), dt.date(2015, 8, 24)),
    (PartnerSpec("PKK Kelurahan Guntung", K.MASYARAKAT), (KT, KO), dt.date(2014, 4, 14)),
    (PartnerSpec("LPM Kelurahan Guntung", K.MASYARAKAT), (KT, KO), dt.date(2014, 7, 7)),
    (PartnerSpec("LP2K", K.LSM), (KT, KO), dt.date(2015, 10, 12)),
    (PartnerSpec("PKTV", K.MEDIA, "Televisi lokal Bontang."), (KO,), dt.date(2016, 2, 15)),
    (PartnerSpec("Media lokal dan nasional", K.MEDIA), (KO,), dt.date(2016, 4, 4)),
)

# City-wide partners of the synthetic groups, with how often a group works with each.
CITY_PARTNERS: tuple[tuple[PartnerSpec, int], ...] = (
    (MEKAR_SARI_NETWORK[0][0], 40),  # the office itself
    (MEKAR_SARI_NETWORK[2][0], 14),
    (MEKAR_SARI_NETWORK[1][0], 8),
    (MEKAR_SARI_NETWORK[6][0], 4),
    (MEKAR_SARI_NETWORK[3][0], 4),
    (MEKAR_SARI_NETWORK[4][0], 2),
    (MEKAR_SARI_NETWORK[5][0], 2),
    (MEKAR_SARI_NETWORK[12][0], 2),
    (PartnerSpec("Dinas Ketahanan Pangan Kota Bontang", K.PEMERINTAH), 3),
    (PartnerSpec("Dekranasda Kota Bontang", K.PEMERINTAH, "Pameran dan gerai produk kerajinan."), 4),
    (PartnerSpec("Dinas Pariwisata Kota Bontang", K.PEMERINTAH), 2),
    (PartnerSpec("PT Badak NGL", K.SWASTA, "Program CSR."), 5),
    (PartnerSpec("PT Indominco Mandiri", K.SWASTA, "Program CSR."), 2),
    (PartnerSpec("Hotel Bintang Sintuk", K.SWASTA, "Pembeli tetap produk katering dan kue."), 1),
    (PartnerSpec("Bank Kaltimtara Cabang Bontang", K.LEMBAGA_KEUANGAN), 5),
    (PartnerSpec("BRI Unit Bontang Utara", K.LEMBAGA_KEUANGAN, "Kredit Usaha Rakyat (KUR) mikro."), 5),
    (PartnerSpec("BNI Cabang Bontang", K.LEMBAGA_KEUANGAN), 2),
    (PartnerSpec("Pegadaian Cabang Bontang", K.LEMBAGA_KEUANGAN), 2),
    (PartnerSpec("PNM Mekaar Bontang", K.LEMBAGA_KEUANGAN), 3),
    (PartnerSpec("Koperasi Karyawan Pupuk Kaltim", K.LEMBAGA_KEUANGAN), 2),
    (PartnerSpec("Baznas Kota Bontang", K.LSM), 3),
    (PartnerSpec("Rumah Zakat Bontang", K.LSM), 2),
    (PartnerSpec("Bontang Post", K.MEDIA), 2),
    (PartnerSpec("Universitas Trunajaya Bontang", K.PERGURUAN_TINGGI), 2),
    (PartnerSpec("STITEK Bontang", K.PERGURUAN_TINGGI), 1),
)
# Per kelurahan: its PKK and LPM (name pattern, kind, weight).
KELURAHAN_PARTNERS = (("PKK Kelurahan {}", K.MASYARAKAT, 14), ("LPM Kelurahan {}", K.MASYARAKAT, 6))

# How likely each form is for a partner of each kind.
FORM_ODDS: dict[str, dict[str, float]] = {
    K.PEMERINTAH: {KO: 0.8, KT: 0.5, PD: 0.3, PS: 0.05},
    K.SWASTA: {PD: 0.4, PM: 0.4, PS: 0.35, KT: 0.3},
    K.LEMBAGA_KEUANGAN: {PM: 0.95, KT: 0.2},
    K.LSM: {PD: 0.6, KT: 0.5, PM: 0.15},
    K.MEDIA: {PS: 0.8, KO: 0.3},
    K.MASYARAKAT: {KO: 0.9, PS: 0.2},
    K.PERGURUAN_TINGGI: {KT: 0.8, PD: 0.4},
}
MARKETING_PARTNERS = {"Dekranasda Kota Bontang", "Dinas Pariwisata Kota Bontang", "Hotel Bintang Sintuk"}

# Partners per group: most have none or one, few have many.
NETWORK_SIZES = (0, 1, 2, 3, 4, 5, 6, 8)
NETWORK_WEIGHTS = (42, 30, 13, 7, 4, 2, 1, 1)
ENDED_SHARE = 0.18


def _partner(spec: PartnerSpec) -> Partner:
    return Partner(name=spec.name, name_key=partner_name_key(spec.name), kind=spec.kind, notes=spec.notes)


def _forms(rng: random.Random, spec: PartnerSpec) -> list[str]:
    odds = dict(FORM_ODDS[spec.kind])
    if spec.name in MARKETING_PARTNERS:
        odds[PS] = 0.9
    forms = [form for form, chance in odds.items() if rng.random() < chance]
    return forms or [max(odds, key=odds.get)]


def _flags(forms) -> dict[str, bool]:
    return {field: form in forms for form, field in FORM_FIELDS.items()}


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _network_size(rng: random.Random, *, age_days: int, lends: bool) -> int:
    size = rng.choices(NETWORK_SIZES, NETWORK_WEIGHTS)[0]
    if age_days < 365:  # a new group has at most its first partner
        size = min(size, 1 if rng.random() < 0.4 else 0)
    if lends and size == 0 and rng.random() < 0.4:
        size = 1
    return size


def build_partnerships(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.stream("partnerships")
    today = ctx.today
    # Partners outlive the groups: a database emptied of groups keeps them, and a new
    # demo works with the same institutions again.
    stored = {partner.name_key: partner for partner in Partner.objects.all()}
    partners: dict[str, Partner] = {}  # name key -> the partner the demo uses

    def partner_for(spec: PartnerSpec) -> Partner:
        key = partner_name_key(spec.name)
        if key not in partners:
            partners[key] = stored.get(key) or _partner(spec)
        return partners[key]

    rows: list[Partnership] = []
    mekar_sari = ctx.mekar_sari
    for spec, forms, started_on in MEKAR_SARI_NETWORK:
        partner = partner_for(spec)
        if started_on <= today:
            rows.append(Partnership(kube=mekar_sari, partner=partner, started_on=started_on, **_flags(forms)))

    city_specs = [spec for spec, _weight in CITY_PARTNERS]
    city_weights = [weight for _spec, weight in CITY_PARTNERS]
    kubes = (
        Kube.objects.exclude(pk=mekar_sari.pk)
        .filter(founded_on__lte=today)
        .select_related("kelurahan")
        .annotate(last_left_on=Max("memberships__left_on"))
        .order_by("no_registrasi")
    )
    for kube in kubes:
        lends = bool(kube.financial_institution) or (
            kube.business_field == BusinessField.JASA and "pinjam" in kube.business_description.lower()
        )
        size = _network_size(rng, age_days=(today - kube.founded_on).days, lends=lends)
        if not size:
            continue
        specs = city_specs + [PartnerSpec(p.format(kube.kelurahan.name), kind) for p, kind, _w in KELURAHAN_PARTNERS]
        weights = city_weights + [w for _p, _k, w in KELURAHAN_PARTNERS]
        if lends:  # savings-and-loans groups and those with an LKM look for capital
            weights = [w * (4 if s.kind == K.LEMBAGA_KEUANGAN else 1) for s, w in zip(specs, weights, strict=True)]
        chosen: list[PartnerSpec] = []
        while len(chosen) < min(size, len(specs)):
            spec = rng.choices(specs, weights)[0]
            if spec not in chosen:
                chosen.append(spec)
        # A dissolved group's partnerships ended by the time its last members left.
        end_by = min(kube.last_left_on or today, today) if kube.status == KubeStatus.BUBAR else today
        for spec in chosen:
            start_from = kube.founded_on + dt.timedelta(days=rng.randint(14, 120))
            if start_from > end_by:
                continue
            started_on = _random_date(rng, start_from, end_by)
            ended_on = None
            if kube.status == KubeStatus.BUBAR or rng.random() < ENDED_SHARE:
                ended_on = _random_date(rng, min(started_on + dt.timedelta(days=180), end_by), end_by)
            forms = _forms(rng, spec)
            rows.append(
                Partnership(
                    kube=kube,
                    partner=partner_for(spec),
                    started_on=started_on,
                    ended_on=ended_on,
                    **_flags(forms),
                )
            )

    new_partners = [partner for partner in partners.values() if partner.pk is None]
    bulk_create_with_history(new_partners, Partner, default_user=ctx.admin)
    # bulk_create fills partner_id from the now-saved partners the rows hold.
    bulk_create_with_history(rows, Partnership, default_user=ctx.admin)
    return {"mitra": len(partners), "kemitraan": len(rows)}
