"""Partners are a city's (issue 19): another city's officer never sees, names or links them.

Two cities: Bontang (the installation's, where the factories' groups are) and Samarinda
(its regions loaded from fixtures/wilayah/, with an officer and an admin working there).
"""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from groups.models import City, Kecamatan, Kelurahan, UserArea
from groups.regions import load_regions
from groups.resources import MSG_KUBE_UNKNOWN
from pages.workbook import import_workbook
from partnerships import services
from partnerships.models import Partner, PartnerKind, PartnerMerge, Partnership
from partnerships.rules import MSG_PARTNER_OTHER_CITY
from tests.factories import AdminFactory, KubeFactory, OfficerFactory
from tests.partnerships.factories import PartnerFactory, PartnershipFactory, home_city
from tests.workbooks import workbook_buffer

pytestmark = pytest.mark.django_db

D = dt.date
KEMITRAAN = ["no_registrasi", "mitra", "jenis_mitra", "bentuk", "mulai", "selesai"]


def in_city(user, city):
    UserArea.objects.create(user=user, level="kota", city=city)
    return user


class World:
    def __init__(self):
        load_regions("64.72", Kecamatan, Kelurahan)
        self.bontang = home_city()
        self.samarinda = City.objects.get(code="64.72")
        rawa_makmur = Kelurahan.objects.get(code="64.72.01.1001")
        # Bontang: a group, its partners (one also a partner in Samarinda), a partnership.
        self.kube_b = KubeFactory(no_registrasi="6474-2020-901", name="KUBE Guntung Jaya")
        self.bank_b = PartnerFactory(name="Bank Mandiri", kind=PartnerKind.LEMBAGA_KEUANGAN)
        self.only_b = PartnerFactory(name="Forum Bontang Hijau", kind=PartnerKind.MASYARAKAT)
        self.partnership_b = PartnershipFactory(kube=self.kube_b, partner=self.only_b)
        PartnershipFactory(kube=self.kube_b, partner=self.bank_b, has_permodalan=True)
        self.officer_b = OfficerFactory()
        # Samarinda: the same bank, its own partner, a group, an officer and an admin.
        self.bank_s = PartnerFactory(city=self.samarinda, name="BANK  MANDIRI", kind=PartnerKind.LEMBAGA_KEUANGAN)
        self.only_s = PartnerFactory(city=self.samarinda, name="Koperasi Mahakam", kind=PartnerKind.LEMBAGA_KEUANGAN)
        self.kube_s = KubeFactory(no_registrasi="6472-2020-001", name="KUBE Rawa Makmur", kelurahan=rawa_makmur)
        self.officer_s = in_city(OfficerFactory(), self.samarinda)
        self.admin_s = in_city(AdminFactory(), self.samarinda)


@pytest.fixture
def world(db):
    return World()


def test_the_same_name_is_a_partner_in_each_city_but_once_in_a_city(world):
    assert world.bank_b.name_key == world.bank_s.name_key
    assert (world.bank_b.city, world.bank_s.city) == (world.bontang, world.samarinda)
    with pytest.raises(ValidationError) as exc:
        services.partner_create(actor=world.officer_s, name="bank mandiri", kind=PartnerKind.LEMBAGA_KEUANGAN)
    assert "BANK  MANDIRI" in exc.value.message_dict["name"][0]
    # A name only Bontang has is free in Samarinda: the new partner is the officer's city's.
    forum = services.partner_create(actor=world.officer_s, name="Forum Bontang Hijau", kind=PartnerKind.MASYARAKAT)
    assert forum.city == world.samarinda
    # And the database holds the line within a city.
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(city=world.samarinda, name="Kop. Mahakam", name_key=world.only_s.name_key, kind="lsm")


def partner_urls(world):
    pk = world.only_b.pk
    return [
        reverse("partnerships:partner_detail", kwargs={"pk": pk}),
        reverse("partnerships:partner_update", kwargs={"pk": pk}),
        reverse("partnerships:partner_merge", kwargs={"pk": pk}),
        reverse("partnerships:partnership_add", kwargs={"pk": world.kube_b.pk}),
        reverse(
            "partnerships:partnership_update", kwargs={"pk": world.kube_b.pk, "partnership_pk": world.partnership_b.pk}
        ),
        reverse(
            "partnerships:partnership_end", kwargs={"pk": world.kube_b.pk, "partnership_pk": world.partnership_b.pk}
        ),
    ]


@pytest.mark.parametrize("who", ["officer_s", "admin_s"])
def test_another_citys_users_get_404_on_every_partner_url_with_every_method(client_for, world, who):
    client = client_for(getattr(world, who))
    for url in partner_urls(world):
        answers = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        assert answers == {"get": 404, "post": 404}, url
    # Nothing was changed by the posts.
    assert Partner.objects.filter(pk=world.only_b.pk).exists()
    assert Partnership.objects.filter(kube=world.kube_b).count() == 2
    # Their own city's partner answers, so the 404 is the scope, not the page.
    own = reverse("partnerships:partner_detail", kwargs={"pk": world.only_s.pk})
    assert client.get(own).status_code == 200


def test_the_partner_list_and_its_export_hold_only_the_readers_city(client_for, world):
    client = client_for(world.officer_s)
    page = client.get(reverse("partnerships:partner_list")).content.decode()
    assert "Koperasi Mahakam" in page and "BANK  MANDIRI" in page
    assert "Forum Bontang Hijau" not in page
    assert world.kube_b.no_registrasi not in page
    # The kecamatan filter names Samarinda's, not Bontang's.
    assert "Palaran" in page and "Bontang Utara" not in page
    PartnershipFactory(kube=world.kube_s, partner=world.only_s, started_on=D(2021, 3, 1))
    content = client.get(reverse("partnerships:partnership_export"), {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [row[:2] for row in rows[1:]] == [["6472-2020-001", "Koperasi Mahakam"]]
    # A Bontang kecamatan in the query string is no valid filter there: nothing of Bontang leaks.
    bontang_utara = Kecamatan.objects.get(code="64.74.01")
    content = client.get(reverse("partnerships:partnership_export"), {"format": "csv", "kecamatan": bontang_utara.pk})
    assert "Forum Bontang Hijau" not in content.content.decode("utf-8-sig")


def test_the_partnership_form_offers_only_the_groups_city_partners_and_refuses_another(client_for, world):
    client = client_for(world.officer_b)
    url = reverse("partnerships:partnership_add", kwargs={"pk": world.kube_b.pk})
    page = client.get(url).content.decode()
    assert "Forum Bontang Hijau" in page
    assert "Koperasi Mahakam" not in page
    response = client.post(
        url, {"partner": world.only_s.pk, "forms": ["permodalan"], "started_on": "2022-01-03", "new_partner_name": ""}
    )
    assert response.status_code == 200  # the form again, with an error: not a valid choice
    assert response.context["form"].errors["partner"]
    assert not Partnership.objects.filter(partner=world.only_s).exists()


def test_a_partner_named_on_a_groups_page_is_the_groups_city(client_for, world):
    client = client_for(world.officer_s)
    url = reverse("partnerships:partnership_add", kwargs={"pk": world.kube_s.pk})
    response = client.post(
        url,
        {
            "new_partner_name": "Forum Bontang Hijau",  # a Bontang name: new in Samarinda
            "new_partner_kind": "masyarakat",
            "forms": ["koordinasi"],
            "started_on": "2022-01-03",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    partnership = Partnership.objects.get(kube=world.kube_s)
    assert partnership.partner.city == world.samarinda
    assert partnership.partner != world.only_b


def test_the_services_and_the_model_refuse_a_partner_of_another_city(world):
    with pytest.raises(ValidationError) as exc:
        services.partnership_add(
            actor=world.officer_b,
            kube=world.kube_b,
            partner=world.only_s,
            forms=["koordinasi"],
            started_on=D(2022, 1, 3),
        )
    assert exc.value.message_dict["partner"] == [MSG_PARTNER_OTHER_CITY]
    with pytest.raises(ValidationError):
        Partnership(kube=world.kube_b, partner=world.only_s, has_koordinasi=True, started_on=D(2022, 1, 3)).full_clean()
    with pytest.raises(ValidationError):
        services.partner_merge(actor=world.admin_s, keep=world.bank_s, remove=world.bank_b)
    assert Partner.objects.filter(pk=world.bank_b.pk).exists()
    assert not PartnerMerge.objects.exists()


def test_merge_offers_and_takes_only_the_same_citys_partners(client_for, world):
    client = client_for(world.admin_s)
    url = reverse("partnerships:partner_merge", kwargs={"pk": world.bank_s.pk})
    page = client.get(url, {"duplicate": world.bank_b.pk}).content.decode()
    assert "Koperasi Mahakam" in page and "Forum Bontang Hijau" not in page
    response = client.post(url, {"remove": world.bank_b.pk, "confirm": "on"})
    assert response.status_code == 200 and response.context["form"].errors["remove"]
    assert Partner.objects.filter(pk=world.bank_b.pk).exists()
    response = client.post(url, {"remove": world.only_s.pk, "confirm": "on"})
    assert response.status_code == 302
    assert not Partner.objects.filter(pk=world.only_s.pk).exists()
    # The merged name is findable in Samarinda only.
    assert services.partner_find("Koperasi Mahakam", city=world.samarinda) == world.bank_s
    assert services.partner_find("Koperasi Mahakam", city=world.bontang) is None


def test_a_reader_without_a_city_sees_their_province_and_registers_nothing(client_for, world):
    reader = OfficerFactory()
    UserArea.objects.create(user=reader, level="provinsi", province_code="64")
    client = client_for(reader)
    page = client.get(reverse("partnerships:partner_list")).content.decode()
    assert "Koperasi Mahakam" in page and "Forum Bontang Hijau" in page
    assert client.get(reverse("partnerships:partner_create")).status_code == 403
    assert client.post(reverse("partnerships:partner_create"), {"name": "X", "kind": "lsm"}).status_code == 403
    with pytest.raises(ValidationError):
        services.partner_create(actor=reader, name="Yayasan Baru", kind=PartnerKind.LSM)
    assert not Partner.objects.filter(name="Yayasan Baru").exists()


def run_kemitraan(rows, actor):
    return import_workbook(workbook_buffer({"kemitraan": [KEMITRAAN, *rows]}), filename="k.xlsx", actor=actor)


def test_the_import_refuses_another_citys_group_as_an_unknown_one(world):
    result = run_kemitraan(
        [
            [world.kube_b.no_registrasi, "Koperasi Mahakam", "", "permodalan", "3-1-2022"],
            ["6472-2099-999", "Koperasi Mahakam", "", "permodalan", "3-1-2022"],
        ],
        actor=world.officer_s,
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "no_registrasi"), (3, "no_registrasi")]
    assert result.errors[0].text == MSG_KUBE_UNKNOWN.format(number=world.kube_b.no_registrasi)
    assert result.errors[1].text == MSG_KUBE_UNKNOWN.format(number="6472-2099-999")
    assert Partnership.objects.filter(kube=world.kube_b).count() == 2


def test_the_import_finds_partners_in_the_importers_city_only(world):
    result = run_kemitraan(
        [
            [world.kube_s.no_registrasi, "bank mandiri", "", "permodalan", "3-1-2022"],
            [world.kube_s.no_registrasi, "Forum Bontang Hijau", "masyarakat", "koordinasi", "3-1-2022"],
        ],
        actor=world.officer_s,
    )
    assert result.ok, result.errors
    partners = {p.partner.name: p.partner for p in Partnership.objects.filter(kube=world.kube_s)}
    assert partners["BANK  MANDIRI"] == world.bank_s  # Samarinda's, not Bontang's
    assert partners["Forum Bontang Hijau"].city == world.samarinda  # registered anew there
    assert Partner.objects.filter(name_key=world.only_b.name_key).count() == 2
