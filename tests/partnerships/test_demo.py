import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Max

from groups.demo import MEKAR_SARI_NUMBER, DemoContext
from groups.models import Kube, KubeStatus
from partnerships.demo import build_partnerships
from partnerships.models import FORM_FIELDS, Partner, PartnerKind, Partnership

pytestmark = pytest.mark.django_db
User = get_user_model()

# BRIEF.md, KUBE Mekar Sari's network: partner -> (konsultasi teknis, koordinasi, pendampingan).
MEKAR_SARI_TABLE = {
    "Dinas Sosial dan Pemberdayaan Masyarakat": (True, True, True),
    "PT Pupuk Kaltim": (True, True, True),
    "Disperindagkop Kota Bontang": (True, True, False),
    "Dinas Perikanan Kelautan dan Pertanian": (False, True, False),
    "Dinas Kebersihan dan Pertamanan": (True, True, False),
    "Badan Lingkungan Hidup": (True, True, False),
    "Yayasan Bikal Karya Lestari": (True, True, True),
    "Forum Kota Sehat": (False, True, False),
    "Forum Bontang Hijau": (False, True, False),
    "PKK Kelurahan Guntung": (True, True, False),
    "LPM Kelurahan Guntung": (True, True, False),
    "LP2K": (True, True, False),
    "PKTV": (False, True, False),
    "Media lokal dan nasional": (False, True, False),
}


def seed(groups: int = 60, seed: int = 2014) -> str:
    out = StringIO()
    call_command("seed_demo", "--groups", str(groups), "--seed", str(seed), "--password", "uji-demo-123", stdout=out)
    return out.getvalue()


def network_snapshot() -> list[tuple]:
    return sorted(
        Partnership.objects.values_list(
            "kube__no_registrasi",
            "partner__name",
            "partner__kind",
            *FORM_FIELDS.values(),
            "started_on",
            "ended_on",
        )
    )


def test_seed_demo_gives_mekar_sari_its_fourteen_partners_as_in_the_brief():
    out = seed()
    mekar_sari = Kube.objects.get(no_registrasi=MEKAR_SARI_NUMBER)
    rows = Partnership.objects.filter(kube=mekar_sari).select_related("partner")
    table = {r.partner.name: (r.has_konsultasi_teknis, r.has_koordinasi, r.has_pendampingan) for r in rows}
    assert table == MEKAR_SARI_TABLE
    assert not any(r.has_permodalan or r.has_pemasaran or r.ended_on for r in rows)
    assert all(dt.date(2014, 4, 14) <= r.started_on <= dt.date(2016, 12, 31) for r in rows)
    kinds = {r.partner.name: r.partner.kind for r in rows}
    assert kinds["PT Pupuk Kaltim"] == PartnerKind.SWASTA
    assert kinds["Yayasan Bikal Karya Lestari"] == PartnerKind.LSM
    assert kinds["PKTV"] == kinds["Media lokal dan nasional"] == PartnerKind.MEDIA
    assert {kinds[n] for n in ("Forum Kota Sehat", "PKK Kelurahan Guntung", "LPM Kelurahan Guntung")} == {
        PartnerKind.MASYARAKAT
    }
    assert {kinds[n] for n in MEKAR_SARI_TABLE if n.startswith(("Dinas", "Badan", "Disperindagkop"))} == {
        PartnerKind.PEMERINTAH
    }
    mitra, kemitraan = Partner.objects.count(), Partnership.objects.count()
    assert f"{mitra} mitra, {kemitraan} kemitraan" in out


def test_seed_demo_synthetic_networks_look_like_a_real_city():
    seed(groups=120)
    sizes = list(
        Kube.objects.exclude(no_registrasi=MEKAR_SARI_NUMBER)
        .annotate(n=Count("partnerships"))
        .values_list("n", flat=True)
    )
    none_or_one = sum(n <= 1 for n in sizes)
    many = sum(n >= 4 for n in sizes)
    assert none_or_one > len(sizes) / 2  # many with none or one
    assert 0 < many < len(sizes) / 8  # few with many
    rows = Partnership.objects.select_related("kube", "partner")
    assert rows.filter(ended_on__isnull=False).exists()
    assert rows.filter(has_permodalan=True, partner__kind=PartnerKind.LEMBAGA_KEUANGAN).exists()
    for row in rows:
        assert row.started_on >= row.kube.founded_on
        assert row.ended_on is None or row.ended_on >= row.started_on
        if row.kube.status == KubeStatus.BUBAR:
            assert row.ended_on is not None


def test_seed_demo_dates_nothing_after_its_today():
    seed()
    last_month_end = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    latest = Partnership.objects.aggregate(start=Max("started_on"), end=Max("ended_on"))
    assert latest["start"] <= last_month_end
    assert latest["end"] <= last_month_end


def test_network_builder_is_deterministic_and_reuses_partners():
    seed(seed=7)
    first = network_snapshot()
    partners = Partner.objects.count()

    def context(seed: int) -> DemoContext:
        return DemoContext(
            seed=seed,
            years=1,
            today=dt.date.today().replace(day=1) - dt.timedelta(days=1),
            admin=User.objects.get(username="admin"),
            officer=User.objects.get(username="petugas"),
            facilitators=[],
            mekar_sari=Kube.objects.get(no_registrasi=MEKAR_SARI_NUMBER),
        )

    # The same groups and seed again: the same network, with the partners already stored.
    Partnership.objects.all().delete()
    counts = build_partnerships(context(7))
    assert network_snapshot() == first
    assert counts == {"mitra": partners, "kemitraan": len(first)}
    assert Partner.objects.count() == partners
    Partnership.objects.all().delete()
    build_partnerships(context(8))
    assert network_snapshot() != first
