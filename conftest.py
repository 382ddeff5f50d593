"""Standing personas: admin, officer, the group's facilitator, another facilitator.

Each view's tests ask the same question of each persona, as healthchecks does. The two
facilitators work in different kelurahan: `facilitator` in Guntung (where `kube` and
the factories' waiting families are), `other_facilitator` in Tanjung Laut.
"""

import pytest

from tests.factories import (
    ADMIN,
    ANON,
    FAC,
    NOROLE,
    OFFICER,
    OTHER,
    AdminFactory,
    FacilitatorFactory,
    KubeFactory,
    OfficerFactory,
    UserFactory,
    work_area,
)

GUNTUNG = "64.74.01.1004"  # Bontang Utara
TANJUNG_LAUT = "64.74.02.1001"  # Bontang Selatan


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="admin")


@pytest.fixture
def officer(db):
    return OfficerFactory(username="petugas")


@pytest.fixture
def facilitator(db):
    return work_area(FacilitatorFactory(username="pendamping1"), GUNTUNG)


@pytest.fixture
def other_facilitator(db):
    return work_area(FacilitatorFactory(username="pendamping2"), TANJUNG_LAUT)


@pytest.fixture
def kube(facilitator):
    """A group assigned to `facilitator` (and so not to `other_facilitator`)."""
    return KubeFactory(facilitator=facilitator, name="KUBE Mekar Uji")


@pytest.fixture
def personas(facilitator, other_facilitator, officer, admin_user):
    """The access matrices' personas -> users (ANON: nobody signed in; NOROLE: a user with no role)."""
    return {
        ANON: None,
        FAC: facilitator,
        OTHER: other_facilitator,
        OFFICER: officer,
        ADMIN: admin_user,
        NOROLE: UserFactory(username="tanpaperan"),
    }


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client signed in as that user (None: anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
