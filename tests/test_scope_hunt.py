"""Hunting the scope class from the outside, beyond "not 200".

The URL walker (tests/test_url_walker.py) asks every page with GET and checks who gets
200. This module asks harder questions of the same patterns and the same world:

- every URL that names an object of one facilitator's group answers exactly 404 to
  another facilitator, with GET and with POST (a 403 would confirm the object exists);
- every URL that names a group and one of its records (member, grant, asset, loan,
  product, partnership, proposal family) answers 404 to everyone, the admin included,
  when the record belongs to another group, even one the user may see;
- anonymous POSTs never change anything and never answer 200.
"""

import pytest
from django.urls import reverse

from tests.test_url_walker import ANON, FAC, OTHER, PERSONAS, RULES, World, project_patterns

# Objects that are not a group's: the office's partner list, uploads, the language switch.
NOT_GROUP_SCOPED = {
    "groups:import_apply",
    "partnerships:partner_detail",
    "partnerships:partner_update",
    "partnerships:partner_merge",
    "password_reset_confirm",
    "formation:candidate_update",  # waiting families: scoped by work area (tested in tests/formation)
}
GROUP_OBJECT_PARAMS = {
    "pk",
    "membership_pk",
    "report_pk",
    "object_pk",
    "partnership_pk",
    "entry_pk",
    "candidate_pk",
    "photo_pk",
    "follow_up_pk",
    "visit_pk",
}


def foreign_patterns():
    for pattern in project_patterns():
        if pattern.is_admin or pattern.name in NOT_GROUP_SCOPED or pattern.name not in RULES:
            continue
        if RULES[pattern.name].token_only:  # the read API: 401 to every session; scope in tests/api
            continue
        if GROUP_OBJECT_PARAMS & set(pattern.params):
            yield pattern.name


def _sign_in(client, world, persona):
    client.logout()
    if world.users[persona] is not None:
        client.force_login(world.users[persona])


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(foreign_patterns()))
def test_another_facilitator_gets_404_for_every_method(client, name):
    world = World()
    url = reverse(name, kwargs=RULES[name].kwargs(world))
    _sign_in(client, world, OTHER)
    answers = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
    assert answers == {"get": 404, "post": 404}, (url, answers)


class TwoGroupWorld(World):
    """The walker's world, plus a second group of the same facilitator with its own records."""

    def __init__(self):
        super().__init__()
        from tests.factories import KubeFactory, MembershipFactory
        from tests.finances.factories import AssetFactory, GrantFactory, LoanFactory, ProductFactory
        from tests.formation.factories import ProposalCandidateFactory, ProposalFactory
        from tests.monitoring.factories import FollowUpFactory, VisitFactory, VisitPhotoFactory
        from tests.partnerships.factories import PartnershipFactory

        second = KubeFactory(facilitator=self.users[FAC])
        membership = MembershipFactory(kube=second)
        self.children = {
            "membership_pk": membership.pk,
            "grant": GrantFactory(kube=second).pk,
            "asset": AssetFactory(kube=second).pk,
            "loan": LoanFactory(membership=membership, kube=second).pk,
            "product": ProductFactory(kube=second).pk,
            "partnership_pk": PartnershipFactory(kube=second, partner=self.partner).pk,
            "entry_pk": ProposalCandidateFactory(proposal=ProposalFactory(facilitator=self.users[FAC])).pk,
        }
        second_visit = VisitFactory(kube=second, visitor=self.users[FAC])
        self.children["visit_pk"] = second_visit.pk
        self.children["photo_pk"] = VisitPhotoFactory(visit=second_visit).pk
        self.children["follow_up_pk"] = FollowUpFactory(visit=second_visit).pk


# pattern -> (the parameter naming the record, the key of the second group's record)
CROSS_CHILD = {
    "groups:member_role": ("membership_pk", "membership_pk"),
    "groups:member_leave": ("membership_pk", "membership_pk"),
    "groups:person_update": ("membership_pk", "membership_pk"),
    "finances:grant_update": ("object_pk", "grant"),
    "finances:asset_update": ("object_pk", "asset"),
    "finances:loan_update": ("object_pk", "loan"),
    "finances:repayment_create": ("object_pk", "loan"),
    "finances:product_update": ("object_pk", "product"),
    "partnerships:partnership_update": ("partnership_pk", "partnership_pk"),
    "partnerships:partnership_end": ("partnership_pk", "partnership_pk"),
    "formation:proposal_candidate_remove": ("entry_pk", "entry_pk"),
    "monitoring:visit_update": ("visit_pk", "visit_pk"),
    "monitoring:visit_photo": ("photo_pk", "photo_pk"),
    "monitoring:visit_photo_thumbnail": ("photo_pk", "photo_pk"),
    "monitoring:follow_up_close": ("follow_up_pk", "follow_up_pk"),
}


def test_every_group_child_pattern_is_crossed():
    """A new URL naming a group's record must be added to CROSS_CHILD."""
    named = {
        p.name
        for p in project_patterns()
        if not p.is_admin and len(GROUP_OBJECT_PARAMS & set(p.params)) == 2 and p.name != "formation:candidate_place"
    }
    assert named == set(CROSS_CHILD), sorted(named ^ set(CROSS_CHILD))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CROSS_CHILD))
def test_a_record_of_another_group_is_404_under_this_group(client, name):
    world = TwoGroupWorld()
    param, key = CROSS_CHILD[name]
    kwargs = RULES[name].kwargs(world) | {param: world.children[key]}
    url = reverse(name, kwargs=kwargs)
    for persona in PERSONAS:
        if persona == ANON:
            continue
        _sign_in(client, world, persona)
        answers = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        assert answers == {"get": 404, "post": 404}, (url, persona, answers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", sorted(n for n in RULES if n not in {"login", "password_reset", "password_reset_confirm", "set_language"})
)
def test_anonymous_post_changes_nothing(client, name):
    world = World()
    url = reverse(name, kwargs=RULES[name].kwargs(world) or None)
    client.logout()
    status = client.post(url).status_code
    allowed = {302, 403, 404, 405} | ({401} if RULES[name].token_only else set())
    assert status in allowed or (status == 200 and name in {"healthz"}), (url, status)
