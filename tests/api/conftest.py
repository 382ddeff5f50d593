"""A registry of three cities and the API clients that read it.

Kota Bontang (64.74, the installation's city) and Kota Samarinda (64.72) lie in Kalimantan
Timur (64); Kota Banjarmasin (63.71) in Kalimantan Selatan (63). Each city has one group
with a member (NIK, KK, phone and birth date all set), a submitted report whose notes quote
the member's NIK and phone, an assessment, and a partner of its own.
"""

import dataclasses
import datetime as dt

import pytest
from django.core.cache import cache

from api.services import api_client_create
from assessments.services import assessment_run
from finances.models import ReportStatus
from groups.areas import AreaLevel
from groups.models import City, Kecamatan, Kelurahan
from groups.regions import load_regions
from tests.factories import KubeFactory, MembershipFactory, PersonFactory, make_nik
from tests.finances.factories import MonthlyReportFactory
from tests.partnerships.factories import PartnerFactory, PartnershipFactory

KELURAHAN = {"64.74": "64.74.01.1004", "64.72": "64.72.01.1001", "63.71": "63.71.01.1001"}
CITY_DIGITS = {"64.74": "6474", "64.72": "6472", "63.71": "6371"}


@dataclasses.dataclass
class CityData:
    code: str
    kube: object
    membership: object
    report: object
    assessment: object
    partner: object
    nik: str
    kk: str
    phone: str
    birth_on: dt.date


def build_city(code: str, serial: int) -> CityData:
    digits = CITY_DIGITS[code]
    kube = KubeFactory(
        no_registrasi=f"{digits}-2020-{serial:03d}",
        kelurahan=Kelurahan.objects.get(code=KELURAHAN[code]),
    )
    birth_on = dt.date(1979, 3, 20) + dt.timedelta(days=serial)
    nik = make_nik(birth_on=birth_on, serial=serial, region=f"{digits}01")
    kk = f"{digits}01{serial:010d}"
    phone = f"08125550{serial}{serial}77"
    person = PersonFactory(nik=nik, kk=kk, phone=phone, birth_on=birth_on, sex="P")
    membership = MembershipFactory(kube=kube, person=person, role="ketua")
    report = MonthlyReportFactory(
        kube=kube,
        period=dt.date(2024, 3, 1),
        status=ReportStatus.SUBMITTED,
        notes=f"Ibu ketua (NIK {nik}, HP {phone}) sakit.",
        first_submitted_at=dt.datetime(2024, 4, 5, 9, tzinfo=dt.UTC),
        submitted_at=dt.datetime(2024, 4, 5, 9, tzinfo=dt.UTC),
    )
    assessment = assessment_run(kube=kube, as_of=dt.date(2024, 6, 30))
    partnership = PartnershipFactory(kube=kube, partner=PartnerFactory(city=City.objects.get(code=code)))
    return CityData(code, kube, membership, report, assessment, partnership.partner, nik, kk, phone, birth_on)


@dataclasses.dataclass
class Token:
    client: object
    secret: str

    @property
    def header(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}


def issue(name: str, *, city: str = "", province: str = "", personal_data: bool = False) -> Token:
    if city:
        area = {"level": AreaLevel.KOTA, "city": City.objects.get(code=city)}
    elif province:
        area = {"level": AreaLevel.PROVINSI, "province_code": province}
    else:
        area = {"level": AreaLevel.NASIONAL}
    client, secret = api_client_create(name=name, personal_data=personal_data, **area)
    return Token(client, secret)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The rate limit counts in the cache: each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def regions(db):
    load_regions("64.72", Kecamatan, Kelurahan)
    load_regions("63.71", Kecamatan, Kelurahan)


@pytest.fixture
def world(regions):
    return {code: build_city(code, serial) for serial, code in enumerate(("64.74", "64.72", "63.71"), start=1)}


@pytest.fixture
def bontang(db, regions):
    return issue("Dinsos Bontang", city="64.74")


@pytest.fixture
def samarinda(db, regions):
    return issue("Dinsos Samarinda", city="64.72")


@pytest.fixture
def kaltim(db, regions):
    return issue("Dinsos Provinsi Kaltim", province="64")


@pytest.fixture
def kemensos(db, regions):
    return issue("Kemensos", personal_data=True)
