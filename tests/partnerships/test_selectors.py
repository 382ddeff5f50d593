import datetime as dt

import pytest

from groups.areas import home_area
from groups.models import Kecamatan, Kelurahan, Kube, KubeStatus
from partnerships.models import PartnerKind
from partnerships.selectors import (
    NO_PARTNERSHIPS,
    kube_network,
    kubes_without_partner,
    network_totals,
    partner_summary,
    partnerships_active_on,
)
from tests.factories import KubeFactory
from tests.partnerships.factories import PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

D = dt.date
DAY = D(2023, 6, 30)


def test_partnerships_active_on_gives_per_group_facts_at_the_date():
    kube, other, lonely = KubeFactory(), KubeFactory(), KubeFactory()
    bank = PartnerFactory(kind=PartnerKind.LEMBAGA_KEUANGAN)
    csr = PartnerFactory(kind=PartnerKind.SWASTA)
    PartnershipFactory(kube=kube, partner=bank, has_koordinasi=False, has_permodalan=True)
    PartnershipFactory(kube=kube, partner=csr, has_pemasaran=True, has_permodalan=True)
    PartnershipFactory(kube=kube, ended_on=D(2023, 6, 29))  # ended the day before
    PartnershipFactory(kube=kube, started_on=D(2023, 7, 1))  # not yet begun
    PartnershipFactory(kube=other, partner=csr, has_permodalan=True, ended_on=DAY)  # its last day

    facts = partnerships_active_on([kube.pk, other.pk, lonely.pk], DAY)

    assert facts[kube.pk].partners == 2
    assert facts[kube.pk].by_form == {
        "konsultasi_teknis": 0,
        "koordinasi": 1,
        "pendampingan": 0,
        "permodalan": 2,
        "pemasaran": 1,
    }
    assert facts[kube.pk].has_form("pemasaran")
    assert facts[kube.pk].has_finance_institution_capital
    assert facts[other.pk].partners == 1
    assert facts[other.pk].has_form("permodalan")
    assert not facts[other.pk].has_finance_institution_capital  # capital, but from a company
    assert facts[lonely.pk] == NO_PARTNERSHIPS
    assert facts[lonely.pk].partners == 0 and not facts[lonely.pk].has_form("koordinasi")


def test_partnerships_active_on_accepts_a_queryset_of_groups():
    kube = KubeFactory()
    PartnershipFactory(kube=kube)
    PartnershipFactory()  # another group's
    facts = partnerships_active_on(Kube.objects.filter(pk=kube.pk), DAY)
    assert list(facts) == [kube.pk]


@pytest.mark.parametrize("groups", [1, 12])
def test_partnerships_active_on_is_one_query_whatever_the_size(django_assert_num_queries, groups):
    kubes = KubeFactory.create_batch(groups)
    partners = PartnerFactory.create_batch(5)
    for kube in kubes:
        for partner in partners:
            PartnershipFactory(kube=kube, partner=partner)
    ids = [k.pk for k in kubes]
    # the active partnerships of the groups, grouped by group, with the partner's kind joined
    with django_assert_num_queries(1):
        facts = partnerships_active_on(ids, DAY)
    assert {facts[pk].partners for pk in ids} == {5}


def test_kube_network_splits_current_and_past_and_totals_forms():
    kube = KubeFactory()
    PartnershipFactory(kube=kube, partner=PartnerFactory(name="b mitra"), has_pendampingan=True)
    PartnershipFactory(kube=kube, partner=PartnerFactory(name="A Mitra"), has_koordinasi=False, has_pemasaran=True)
    PartnershipFactory(kube=kube, partner=PartnerFactory(name="Lama"), ended_on=D(2022, 1, 1))
    network = kube_network(kube, day=DAY)
    assert [r.partnership.partner.name for r in network.current] == ["A Mitra", "b mitra"]
    assert network.current[0].marks == [False, False, False, False, True]
    assert [r.partnership.partner.name for r in network.past] == ["Lama"]
    assert network.form_totals == [0, 1, 1, 0, 1]


@pytest.fixture
def city():
    """Two kecamatan, groups in each, partners of two kinds."""
    north = Kelurahan.objects.get(code="64.74.01.1004")
    south = Kelurahan.objects.exclude(kecamatan=north.kecamatan).first()
    a, b = KubeFactory(kelurahan=north), KubeFactory(kelurahan=north)
    c = KubeFactory(kelurahan=south)
    gone = KubeFactory(kelurahan=south, status=KubeStatus.BUBAR)
    office = PartnerFactory(name="Dinas Sosial", kind=PartnerKind.PEMERINTAH)
    bank = PartnerFactory(name="Bank", kind=PartnerKind.LEMBAGA_KEUANGAN)
    idle = PartnerFactory(name="Mitra Diam", kind=PartnerKind.MEDIA)
    PartnershipFactory(kube=a, partner=office, has_pendampingan=True)
    PartnershipFactory(kube=c, partner=office)
    PartnershipFactory(kube=a, partner=bank, has_koordinasi=False, has_permodalan=True)
    PartnershipFactory(kube=b, partner=bank, ended_on=D(2022, 12, 31))
    return {"a": a, "b": b, "c": c, "gone": gone, "office": office, "bank": bank, "idle": idle, "north": north}


def test_partner_summary_counts_groups_by_form(city):
    rows = partner_summary(area=home_area(), kubes=Kube.objects.all(), day=DAY)
    by_name = {r.name: r for r in rows}
    assert [r.name for r in rows] == ["Dinas Sosial", "Bank", "Mitra Diam"]
    assert by_name["Dinas Sosial"].kube_count == 2
    assert dict(by_name["Dinas Sosial"].form_counts)["Koordinasi"] == 2
    assert dict(by_name["Dinas Sosial"].form_counts)["Pendampingan"] == 1
    assert by_name["Bank"].kube_count == 1  # the ended partnership is not counted
    assert dict(by_name["Bank"].form_counts)["Permodalan"] == 1
    assert by_name["Mitra Diam"].kube_count == 0
    assert by_name["Bank"].kind_label == "Lembaga keuangan"


def test_city_view_selectors_respect_kind_and_kecamatan(city):
    north = Kube.objects.filter(kelurahan__kecamatan=city["north"].kecamatan)
    rows = partner_summary(area=home_area(), kubes=north, day=DAY, kind=PartnerKind.LEMBAGA_KEUANGAN)
    assert [(r.name, r.kube_count) for r in rows] == [("Bank", 1)]
    totals = network_totals(kubes=north, day=DAY)
    assert totals.kube_count == 1
    assert dict(totals.form_counts)["Permodalan"] == 1
    assert list(kubes_without_partner(kubes=north, day=DAY)) == [city["b"]]
    # Without a finance partner: b (ended) and c; the dissolved group is left out.
    without_bank = kubes_without_partner(kubes=Kube.objects.all(), day=DAY, kind=PartnerKind.LEMBAGA_KEUANGAN)
    assert set(without_bank) == {city["b"], city["c"]}
    assert Kecamatan.objects.count() >= 2
