import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from partnerships.models import Partnership, partner_name_clean, partner_name_key
from tests.factories import KubeFactory
from tests.partnerships.factories import PartnerFactory, PartnershipFactory


@pytest.mark.parametrize(
    "spelling",
    [
        "PT. Pupuk Kaltim",
        "pt pupuk  kaltim",
        " PT Pupuk-Kaltim ",
        "P.T. PUPUK KALTIM",
        "PT\tPupuk\nKaltim",
        "ptpupukkaltim",
    ],
)
def test_partner_name_key_ignores_case_spacing_and_punctuation(spelling):
    assert partner_name_key(spelling) == partner_name_key("PT Pupuk Kaltim") == "ptpupukkaltim"


def test_partner_name_key_keeps_what_tells_institutions_apart():
    assert partner_name_key("PKK Kelurahan Guntung") != partner_name_key("PKK Kelurahan Lok Tuan")
    assert partner_name_key("BRI Unit 1") != partner_name_key("BRI Unit 2")
    assert partner_name_key("Dinas Sosial (Kota)") == partner_name_key("dinas sosial kota")
    assert partner_name_key("...") == ""


def test_partner_name_clean_collapses_spaces():
    assert partner_name_clean("  PT   Pupuk \t Kaltim ") == "PT Pupuk Kaltim"


def test_database_refuses_a_second_partner_with_the_same_key(db):
    PartnerFactory(name="PT Pupuk Kaltim")
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(name="pt. pupuk kaltim")


def test_database_refuses_two_open_partnerships_of_a_group_with_a_partner(db):
    first = PartnershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(kube=first.kube, partner=first.partner)
    # A closed one beside the open one is fine, and so is an open one with another group.
    PartnershipFactory(kube=first.kube, partner=first.partner, ended_on=dt.date(2021, 2, 1))
    PartnershipFactory(kube=KubeFactory(), partner=first.partner)
    assert Partnership.objects.filter(partner=first.partner).count() == 3


def test_database_refuses_an_end_before_the_start(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(started_on=dt.date(2022, 5, 1), ended_on=dt.date(2022, 4, 30))
    PartnershipFactory(started_on=dt.date(2022, 5, 1), ended_on=dt.date(2022, 5, 1))  # a one-day event


def test_database_refuses_a_partnership_without_a_form(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(has_koordinasi=False)


def test_active_on_counts_the_end_date_as_a_day_in_force(db):
    partnership = PartnershipFactory(started_on=dt.date(2022, 1, 10), ended_on=dt.date(2022, 6, 30))
    active = Partnership.objects.active_on
    assert not active(dt.date(2022, 1, 9)).exists()
    assert active(dt.date(2022, 1, 10)).get() == partnership
    assert active(dt.date(2022, 6, 30)).get() == partnership
    assert not active(dt.date(2022, 7, 1)).exists()
    assert partnership.is_active_on(dt.date(2022, 6, 30))
    assert not partnership.is_active_on(dt.date(2022, 7, 1))


def test_forms_are_listed_in_fixed_order(db):
    partnership = PartnershipFactory(has_pemasaran=True, has_konsultasi_teknis=True)
    assert partnership.forms == ["konsultasi_teknis", "koordinasi", "pemasaran"]
    assert partnership.forms_display == "konsultasi teknis, koordinasi, pemasaran"
    assert list(Partnership.objects.in_form("pemasaran")) == [partnership]
    assert not Partnership.objects.in_form("permodalan").exists()
