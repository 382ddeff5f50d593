"""Several cities in one installation: the URL walker's world asked by another city's users.

The walker's world (tests/test_url_walker.py) lives in Kota Bontang, the installation's
city. Here the users of Kota Samarinda (same province) and an observer of Kalimantan
Selatan ask for it:

- every URL that names an object of the world answers exactly 404 to them, with GET
  and with POST (a 403 would confirm the object exists in another city);
- every page without an object in its URL (lists, dashboards, exports, the queue, the
  log of reminders) names nothing of the world: no group, number, member, partner,
  training, family, proposal or facilitator of Bontang;
- the province's observer (Kalimantan Timur) reads Bontang's groups and writes nothing.
"""

import io
import zipfile

import pytest
from django.urls import reverse

from groups.models import City, Kecamatan, Kelurahan, UserArea
from groups.regions import load_regions
from kube_registry.roles import ROLE_OBSERVER
from tests.factories import (
    AdminFactory,
    FacilitatorFactory,
    KubeFactory,
    MembershipFactory,
    OfficerFactory,
    UserFactory,
    work_area,
)
from tests.test_url_walker import FAC, OTHER, RULES, World, project_patterns

SAMARINDA, BANJARMASIN = "64.72", "63.71"
CITY_OFFICER, CITY_ADMIN, CITY_FAC, OTHER_PROVINCE = "officer_smd", "admin_smd", "fac_smd", "observer_kalsel"
STRANGERS = (CITY_OFFICER, CITY_ADMIN, CITY_FAC, OTHER_PROVINCE)

# Parameters that name no object of the world.
NOT_OBJECTS = {"fmt", "key", "period", "uidb64", "token"}
# An upload is its uploader's alone: POST is 404 to anyone else (tests/groups), GET 405 for every id.
NOT_CITY_SCOPED = {"password_reset_confirm", "groups:import_apply"}


def load_city(code: str) -> City:
    load_regions(code, Kecamatan, Kelurahan)
    return City.objects.get(code=code)


class TwoCityWorld(World):
    """The walker's world in Bontang, and Samarinda's office with a group of its own."""

    def __init__(self):
        super().__init__()
        for persona, name in ((FAC, "Bontangsatu"), (OTHER, "Bontangdua")):
            self.users[persona].first_name = name
            self.users[persona].save(update_fields=["first_name"])
        samarinda = load_city(SAMARINDA)
        load_city(BANJARMASIN)
        self.strangers = {
            CITY_OFFICER: OfficerFactory(username="petugas_smd"),
            CITY_ADMIN: AdminFactory(username="admin_smd"),
            CITY_FAC: FacilitatorFactory(username="pendamping_smd"),
            OTHER_PROVINCE: UserFactory(username="pemantau_kalsel"),
        }
        for persona in (CITY_OFFICER, CITY_ADMIN, CITY_FAC):
            UserArea.objects.create(user=self.strangers[persona], level="kota", city=samarinda)
        observer = self.strangers[OTHER_PROVINCE]
        observer.groups.add(*type(observer).groups.field.related_model.objects.filter(name=ROLE_OBSERVER))
        UserArea.objects.create(user=observer, level="provinsi", province_code="63")
        kelurahan = Kelurahan.objects.filter(kecamatan__city=samarinda).first()
        work_area(self.strangers[CITY_FAC], kelurahan.code)
        self.samarinda_kube = KubeFactory(facilitator=self.strangers[CITY_FAC], kelurahan=kelurahan)
        MembershipFactory(kube=self.samarinda_kube)

    def secrets(self) -> list[str]:
        """What names the world's Bontang objects on a page."""
        from groups.models import Membership

        names = [self.kube.name, self.kube.no_registrasi, self.other_kube.name, self.other_kube.no_registrasi]
        names += list(
            Membership.objects.filter(kube__in=[self.kube, self.other_kube]).values_list("person__name", flat=True)
        )
        names += [self.partner.name, self.training.title, self.proposal.name, self.proposal.code]
        names += [self.candidate.name, self.other_candidate.name, self.entry.candidate.name]
        names += ["Bontangsatu", "Bontangdua"]  # the facilitators' names (their user names are the demo's)
        return names


def object_patterns():
    for pattern in project_patterns():
        if pattern.is_admin or pattern.name in NOT_CITY_SCOPED or pattern.name not in RULES:
            continue
        if RULES[pattern.name].token_only:  # the read API: 401 to every session; its area scope in tests/api
            continue
        if set(pattern.params) - NOT_OBJECTS:
            yield pattern.name


def page_patterns():
    for pattern in project_patterns():
        if pattern.is_admin or pattern.name not in RULES or set(pattern.params) - NOT_OBJECTS:
            continue
        yield pattern.name


def _text(response) -> str:
    """The page, or every sheet's text of an .xlsx download."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return body.decode("utf-8", "replace")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(object_patterns()))
def test_another_citys_users_get_404_for_every_object(client, name):
    world = TwoCityWorld()
    url = reverse(name, kwargs=RULES[name].kwargs(world))
    for persona in STRANGERS:
        client.force_login(world.strangers[persona])
        answers = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        assert answers == {"get": 404, "post": 404}, (url, persona, answers)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(page_patterns()))
def test_another_citys_pages_name_nothing_of_this_city(client, name):
    world = TwoCityWorld()
    url = reverse(name, kwargs=RULES[name].kwargs(world) or None)
    secrets = world.secrets()
    for persona in STRANGERS:
        client.force_login(world.strangers[persona])
        response = client.get(url)
        assert response.status_code < 500, (url, persona, response.status_code)
        if response.status_code != 200:
            continue
        text = _text(response)
        leaked = [secret for secret in secrets if secret and secret in text]
        assert leaked == [], (url, persona, leaked)


@pytest.mark.django_db
def test_the_provinces_observer_reads_its_cities_and_writes_nothing(client):
    world = TwoCityWorld()
    observer = UserFactory(username="pemantau_kaltim")
    observer.groups.add(*type(observer).groups.field.related_model.objects.filter(name=ROLE_OBSERVER))
    UserArea.objects.create(user=observer, level="provinsi", province_code="64")
    client.force_login(observer)

    home = client.get(reverse("groups:home"))
    assert home.status_code == 200
    page = home.content.decode()
    assert "Provinsi Kalimantan Timur" in page
    assert "Kategori per kota" in page  # the breakdown by city
    # Every kecamatan and facilitator of several cities would be thousands of rows: a city first.
    assert "Kategori per kecamatan" not in page
    samarinda = City.objects.get(code=SAMARINDA)
    one_city = client.get(reverse("assessments:dashboard"), {"kota": samarinda.pk}).content.decode()
    assert "Kategori per kecamatan" in one_city and "Kategori per kota" not in one_city
    listing = client.get(reverse("groups:kube_list")).content.decode()
    assert world.kube.name in listing and world.samarinda_kube.name in listing
    assert client.get(world.kube.get_absolute_url()).status_code == 200
    # Reading is all: every form of the group answers 403.
    assert client.get(reverse("groups:kube_update", kwargs={"pk": world.kube.pk})).status_code == 403
    assert client.post(reverse("groups:member_add", kwargs={"pk": world.kube.pk})).status_code == 403
    assert client.get(reverse("groups:kube_create")).status_code == 403


@pytest.mark.django_db
def test_a_city_dashboard_has_no_breakdown_by_city_and_refuses_its_export(client):
    world = TwoCityWorld()
    client.force_login(world.strangers[CITY_OFFICER])
    page = client.get(reverse("groups:home")).content.decode()
    assert "Kota Samarinda" in page and "Kategori per kota" not in page
    url = reverse("assessments:dashboard_export", kwargs={"key": "kota", "fmt": "csv"})
    assert client.get(url).status_code == 404
