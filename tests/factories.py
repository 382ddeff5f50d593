"""factory_boy factories for every model the tests build."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from groups.models import BusinessField, FacilitatorArea, Kelurahan, Kube, Membership, Person, Role, Sex
from kube_registry.roles import ROLE_ADMIN, ROLE_FACILITATOR, ROLE_OFFICER

TEST_PASSWORD = "rahasia-uji-123"
# Who asks, in the access matrices (the `personas` fixture of conftest.py maps them to users).
ANON, FAC, OTHER, OFFICER, ADMIN, NOROLE = "anon", "fac", "other", "officer", "admin", "norole"


def make_nik(*, sex: str = Sex.MALE, birth_on: dt.date = dt.date(1980, 5, 17), serial: int = 1, region="647401") -> str:
    """A valid NIK: region, DDMMYY (women's day +40), serial."""
    day = birth_on.day + (40 if sex == Sex.FEMALE else 0)
    return f"{region}{day:02d}{birth_on.month:02d}{birth_on.year % 100:02d}{serial:04d}"


def _with_role(name: str):
    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        obj.groups.add(Group.objects.get(name=extracted or name))
        obj.save()

    return role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    password = factory.django.Password(TEST_PASSWORD)


class AdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True
    role = _with_role(ROLE_ADMIN)


class OfficerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"petugas{n}")
    role = _with_role(ROLE_OFFICER)


class FacilitatorFactory(UserFactory):
    # Not "pendamping{n}": the personas in conftest.py are pendamping1 and pendamping2.
    username = factory.Sequence(lambda n: f"pendamping_uji{n}")
    role = _with_role(ROLE_FACILITATOR)


def work_area(facilitator, *codes: str):
    """Give `facilitator` these kelurahan (by Kemendagri code) as their work area; returns them."""
    for code in codes:
        FacilitatorArea.objects.get_or_create(facilitator=facilitator, kelurahan=Kelurahan.objects.get(code=code))
    return facilitator


class KubeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kube

    no_registrasi = factory.Sequence(lambda n: f"6474-2020-{n + 1:03d}")
    name = factory.Sequence(lambda n: f"KUBE Uji {n}")
    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.get(code="64.74.01.1004"))  # Guntung
    rt = "07"
    founded_on = dt.date(2020, 4, 1)
    business_field = BusinessField.PRODUKSI
    facilitator = factory.SubFactory(FacilitatorFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    sex = Sex.FEMALE
    birth_on = dt.date(1980, 5, 17)
    nik = factory.Sequence(lambda n: make_nik(sex=Sex.FEMALE, birth_on=dt.date(1980, 5, 17), serial=n + 1))
    name = factory.Faker("name", locale="id_ID")
    is_dtks = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    kube = factory.SubFactory(KubeFactory)
    role = Role.ANGGOTA
    joined_on = dt.date(2020, 4, 1)
