"""Standing personas: admin, officer, the group's facilitator, another facilitator.

Each view's tests ask the same question of each persona, as healthchecks does. The two
facilitators work in different kelurahan: `facilitator` in Guntung (where `kube` and
the factories' waiting families are), `other_facilitator` in Tanjung Laut.
"""

import pytest
from django.apps import apps
from django.db import connection

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every table's ids start above a million, each table in its own range.

    A register that has run for years has ids in the thousands: a page that prints an id
    with the locale's thousand separator ("1.234", then no longer an id) or that takes one
    table's id for another's only fails with such ids. Rows the migrations made keep theirs.
    """
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        tables = sorted(
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField"} and model._meta.managed
        )
        for index, table in enumerate(tables):
            start = 1_000_000 + index * 100_000
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                (sequence,) = cursor.fetchone()
                if sequence:
                    cursor.execute(
                        "SELECT setval(%s, GREATEST(%s, (SELECT COALESCE(MAX(id), 0) FROM "
                        + connection.ops.quote_name(table)
                        + ")))",
                        [sequence, start],
                    )
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT %s, MAX(%s, COALESCE(MAX(id), 0)) FROM "
                    + connection.ops.quote_name(table),
                    [table, start],
                )


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
