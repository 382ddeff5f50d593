"""Standing personas: admin, officer, the group's facilitator, another facilitator.

Each view's tests ask the same question of each persona, as healthchecks does.
"""

import pytest

from tests.factories import AdminFactory, FacilitatorFactory, KubeFactory, OfficerFactory


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="admin")


@pytest.fixture
def officer(db):
    return OfficerFactory(username="petugas")


@pytest.fixture
def facilitator(db):
    return FacilitatorFactory(username="pendamping1")


@pytest.fixture
def other_facilitator(db):
    return FacilitatorFactory(username="pendamping2")


@pytest.fixture
def kube(facilitator):
    """A group assigned to `facilitator` (and so not to `other_facilitator`)."""
    return KubeFactory(facilitator=facilitator, name="KUBE Mekar Uji")


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client signed in as that user (None: anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
