import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from groups import services
from groups.models import Membership, Role, Sex
from tests.factories import KubeFactory, MembershipFactory, PersonFactory, make_nik


def add(kube, actor, **overrides):
    values = {
        "nik": make_nik(sex=Sex.FEMALE, serial=901),
        "name": "Siti Aminah",
        "sex": Sex.FEMALE,
        "role": Role.ANGGOTA,
    } | overrides
    return services.membership_add(actor=actor, kube=kube, **values)


def test_membership_add_creates_person_with_birth_date_from_nik(kube, officer):
    membership = add(kube, officer, nik="6474 0157 0580 0901")
    assert membership.person.nik == "6474015705800901"
    assert membership.person.birth_on == dt.date(1980, 5, 17)
    assert membership.history.first().history_user == officer


def test_membership_add_refuses_person_active_in_another_group(kube, officer):
    other = MembershipFactory()
    with pytest.raises(ValidationError) as exc:
        add(kube, officer, nik=other.person.nik, name=other.person.name)
    assert "masih anggota aktif" in exc.value.message_dict["nik"][0]
    assert not kube.memberships.exists()


def test_membership_add_refuses_second_ketua(kube, officer):
    MembershipFactory(kube=kube, role=Role.KETUA)
    with pytest.raises(ValidationError) as exc:
        add(kube, officer, role=Role.KETUA)
    assert "sudah memiliki ketua aktif" in exc.value.message_dict["role"][0]


def test_database_refuses_second_active_membership(db):
    person = PersonFactory()
    MembershipFactory(person=person)
    with pytest.raises(IntegrityError):
        Membership.objects.create(person=person, kube=KubeFactory(), role=Role.ANGGOTA)


def test_database_refuses_second_active_ketua(kube):
    MembershipFactory(kube=kube, role=Role.KETUA)
    with pytest.raises(IntegrityError):
        MembershipFactory(kube=kube, role=Role.KETUA)


def test_former_ketua_does_not_block_new_ketua(kube, officer):
    old = MembershipFactory(kube=kube, role=Role.KETUA)
    services.membership_end(actor=officer, membership=old, left_on=dt.date(2021, 1, 1), reason="pindah")
    assert add(kube, officer, role=Role.KETUA).role == Role.KETUA


def test_kube_create_numbers_by_city_and_year(officer, facilitator):
    kube = KubeFactory.build(founded_on=dt.date(2014, 4, 1), facilitator=facilitator)
    fields = {f: getattr(kube, f) for f in services.KUBE_FIELDS}
    first = services.kube_create(actor=officer, **fields)
    second = services.kube_create(actor=officer, **fields)
    assert (first.no_registrasi, second.no_registrasi) == ("6474-2014-001", "6474-2014-002")


def test_kube_fields_check_refuses_a_financial_institution_formed_in_the_future():
    future = dt.date.today() + dt.timedelta(days=40)

    with pytest.raises(ValidationError) as exc:
        services.kube_fields_check({"financial_institution": "lkm", "financial_institution_on": future})

    assert exc.value.message_dict == {"financial_institution_on": [services.MSG_DATE_IN_FUTURE]}
