"""Every create, change and delete of a group, person or membership is attributed."""

import datetime as dt
import re

from django.urls import reverse

from groups import services
from groups.models import Kube, Membership
from tests.factories import MembershipFactory


def test_admin_delete_of_membership_is_recorded_with_user(client_for, admin_user, kube):
    membership = MembershipFactory(kube=kube)
    url = reverse("admin:groups_membership_delete", args=[membership.pk])
    client_for(admin_user).post(url, {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    deleted = Membership.history.filter(id=membership.pk, history_type="-").get()
    assert deleted.history_user == admin_user


def test_unchanged_save_writes_no_history(officer, kube):
    before = kube.history.count()
    services.kube_update(actor=officer, kube=Kube.objects.get(pk=kube.pk), name=kube.name)
    assert kube.history.count() == before


def test_profile_history_shows_changed_fields_user_and_masks_nik(client_for, officer, kube):
    member = MembershipFactory(kube=kube)
    services.kube_update(actor=officer, kube=kube, rt="12", founded_on=dt.date(2020, 5, 2))
    services.person_update(actor=officer, person=member.person, kk="6474010102150007")
    page = client_for(officer).get(kube.get_absolute_url()).content.decode()
    history = page[page.index('id="riwayat"') :]
    assert "RT: <del>07</del> → 12" in history
    assert "Tanggal berdiri: <del>1 Apr 2020</del> → 2 Mei 2020" in history
    assert "6474 •••• •••• ••••" in history
    assert "6474010102150007" not in history
    assert (officer.get_full_name() or officer.username) in history


def test_pages_load_nothing_from_outside_the_app(client_for, admin_user, kube):
    membership = MembershipFactory(kube=kube)
    client = client_for(admin_user)
    urls = [
        reverse("groups:home"),
        reverse("groups:kube_list"),
        reverse("groups:kube_create"),
        kube.get_absolute_url(),
        reverse("groups:kube_update", args=[kube.pk]),
        reverse("groups:member_add", args=[kube.pk]),
        reverse("groups:member_leave", args=[kube.pk, membership.pk]),
    ]
    external = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""", re.I)
    for url in urls:
        page = client.get(url).content.decode()
        assert not external.search(page), url
    client.logout()
    assert not external.search(client.get(reverse("login")).content.decode())
