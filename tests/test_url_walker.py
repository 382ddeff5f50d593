"""Every URL pattern of the project, asked with GET by every persona.

The walker resolves `kube_registry.urls` recursively, fills each pattern's path
parameters with real objects built by the factories, and asks the page as the admin,
an officer, the facilitator of the group, another facilitator and anonymous. It fails

- when a page answers 200 to a persona its rule excludes (or anything 5xx to anyone),
- when a persona the rule allows does not get 200 (the table must say the truth),
- when anonymous gets anything but a redirect to sign-in, 404 or 405 on a non-public page,
- when a URL pattern has no rule: a new page must be listed in RULES below.

Django admin pages are checked as one family (only the admin, who is staff, gets in).
POST-only actions answer 405 to GET; their permission tests are in each app's tests.
"""

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import (
    AdminFactory,
    FacilitatorFactory,
    KubeFactory,
    MembershipFactory,
    OfficerFactory,
    work_area,
)

ADMIN, OFFICER, FAC, OTHER, ANON = "admin", "officer", "fac", "other", "anon"
PERSONAS = (ADMIN, OFFICER, FAC, OTHER, ANON)

# Who may GET a page (answer 200):
PUBLIC = frozenset(PERSONAS)
SIGNED_IN = frozenset({ADMIN, OFFICER, FAC, OTHER})
OFFICE = frozenset({ADMIN, OFFICER})  # officers and admins: the whole city
GROUP = frozenset({ADMIN, OFFICER, FAC})  # a group's page: the office and its own facilitator
REPORTER = frozenset({ADMIN, FAC})  # writing a group's report: its facilitator (and admins)
RECORDER = frozenset({FAC})  # correcting a facilitator's visit: its kind is theirs (the office records monev)
ADMINS = frozenset({ADMIN})
POST_ONLY = frozenset()  # an action: GET answers 405 to everyone
# The read API (/api/): machine clients with a token (tests/api); no session opens it, so
# every persona, anonymous included, gets 401. Its scope by area is tested in tests/api.
TOKEN_ONLY = frozenset()


@dataclasses.dataclass(frozen=True)
class Rule:
    allowed: frozenset
    kwargs: Callable[["World"], dict] = lambda world: {}
    # A page that answers a redirect (302) to some allowed personas instead of 200.
    redirects: frozenset = frozenset()
    # The read API: 401 without a token, to everyone.
    token_only: bool = False


def kube(world):
    return {"pk": world.kube.pk}


def member(world):
    return {"pk": world.kube.pk, "membership_pk": world.membership.pk}


def report(world):
    return {"report_pk": world.report.pk}


def proposal(world):
    return {"pk": world.proposal.pk}


def job(world):
    return {"pk": world.job.pk}


def record(attribute):
    return lambda world: {"pk": world.kube.pk, "object_pk": getattr(world, attribute).pk}


RULES: dict[str, Rule] = {
    # groups
    "groups:home": Rule(SIGNED_IN),
    "groups:kube_list": Rule(SIGNED_IN),
    "groups:member_search": Rule(SIGNED_IN),
    "groups:kube_export": Rule(SIGNED_IN, lambda w: {"fmt": "xlsx"}),
    "groups:facilitator_list": Rule(OFFICE),
    "groups:facilitator_area": Rule(OFFICE, lambda w: {"user_pk": w.users[FAC].pk}),
    "groups:import": Rule(OFFICE),
    "groups:import_template": Rule(OFFICE),
    "groups:import_apply": Rule(POST_ONLY, lambda w: {"pk": w.upload.pk}),
    "groups:kube_create": Rule(OFFICE),
    "groups:kube_detail": Rule(GROUP, kube),
    "groups:kube_update": Rule(GROUP, kube),
    "groups:member_add": Rule(GROUP, kube),
    "groups:member_role": Rule(GROUP, member),
    "groups:member_leave": Rule(GROUP, member),
    "groups:person_update": Rule(GROUP, member),
    # finances
    "finances:facilitator_home": Rule(SIGNED_IN),
    "finances:verification_queue": Rule(OFFICE),
    "finances:completeness": Rule(OFFICE),
    "finances:missing_reports": Rule(OFFICE),
    "finances:report_detail": Rule(GROUP, report),
    "finances:report_submit": Rule(POST_ONLY, report),
    "finances:report_verify": Rule(POST_ONLY, report),
    "finances:report_return": Rule(POST_ONLY, report),
    "finances:report_reopen": Rule(POST_ONLY, report),
    "finances:report_edit": Rule(REPORTER, lambda w: {"pk": w.kube.pk, "period": w.open_period}),
    "finances:kube_finance": Rule(GROUP, kube),
    "finances:grant_create": Rule(OFFICE, kube),
    "finances:grant_update": Rule(OFFICE, record("grant")),
    "finances:asset_create": Rule(OFFICE, kube),
    "finances:asset_update": Rule(OFFICE, record("asset")),
    "finances:loan_create": Rule(OFFICE, kube),
    "finances:loan_update": Rule(OFFICE, record("loan")),
    "finances:repayment_create": Rule(OFFICE, record("loan")),
    "finances:product_create": Rule(GROUP, kube),
    "finances:product_update": Rule(GROUP, record("product")),
    # partnerships
    "partnerships:partnership_add": Rule(GROUP, kube),
    "partnerships:partnership_update": Rule(GROUP, lambda w: {"pk": w.kube.pk, "partnership_pk": w.partnership.pk}),
    "partnerships:partnership_end": Rule(GROUP, lambda w: {"pk": w.kube.pk, "partnership_pk": w.partnership.pk}),
    "partnerships:partner_list": Rule(OFFICE),
    # monitoring (the office's page)
    "monitoring_coverage:coverage": Rule(OFFICE),
    "partnerships:partnership_export": Rule(OFFICE),
    "partnerships:partner_create": Rule(OFFICE),
    "partnerships:partner_detail": Rule(OFFICE, lambda w: {"pk": w.partner.pk}),
    "partnerships:partner_update": Rule(OFFICE, lambda w: {"pk": w.partner.pk}),
    "partnerships:partner_merge": Rule(ADMINS, lambda w: {"pk": w.partner.pk}),
    # trainings (a facilitator reads the list, and a training their members attended)
    "trainings:training_list": Rule(SIGNED_IN),
    "trainings:training_create": Rule(OFFICE),
    "trainings:training_detail": Rule(GROUP, lambda w: {"pk": w.training.pk}),
    "trainings:training_update": Rule(OFFICE, lambda w: {"pk": w.training.pk}),
    # assessments
    # monitoring: a group's visits
    "monitoring:visit_list": Rule(GROUP, kube),
    "monitoring:visit_create": Rule(GROUP, kube),
    "monitoring:visit_update": Rule(RECORDER, lambda w: {"pk": w.kube.pk, "visit_pk": w.visit.pk}),
    "monitoring:visit_photo": Rule(GROUP, lambda w: {"pk": w.kube.pk, "photo_pk": w.visit_photo.pk}),
    "monitoring:visit_photo_thumbnail": Rule(GROUP, lambda w: {"pk": w.kube.pk, "photo_pk": w.visit_photo.pk}),
    "monitoring:follow_up_close": Rule(POST_ONLY, lambda w: {"pk": w.kube.pk, "follow_up_pk": w.follow_up.pk}),
    "assessments:kube_assessments": Rule(GROUP, kube),
    "assessments:assess_now": Rule(POST_ONLY, kube),
    "assessments:detail": Rule(GROUP, lambda w: {"pk": w.assessment.pk}),
    "assessments:judge": Rule(OFFICE, lambda w: {"pk": w.assessment.pk}),
    "assessments:thresholds": Rule(OFFICE),
    "assessments:dashboard": Rule(OFFICE),
    "assessments:dashboard_export": Rule(OFFICE, lambda w: {"key": "kategori", "fmt": "csv"}),
    "assessments:facilitator_home": Rule(SIGNED_IN),
    # formation
    "formation:proposal_list": Rule(SIGNED_IN),
    "formation:proposal_export": Rule(SIGNED_IN, lambda w: {"fmt": "csv"}),
    "formation:proposal_create": Rule(SIGNED_IN),
    "formation:proposal_detail": Rule(GROUP, proposal),
    "formation:proposal_update": Rule(GROUP, proposal),
    "formation:proposal_candidate_add": Rule(GROUP, proposal),
    "formation:proposal_candidate_pick": Rule(POST_ONLY, proposal),
    "formation:proposal_candidate_remove": Rule(POST_ONLY, lambda w: {"pk": w.proposal.pk, "entry_pk": w.entry.pk}),
    "formation:proposal_submit": Rule(POST_ONLY, proposal),
    "formation:proposal_approve": Rule(OFFICE, proposal),
    "formation:proposal_return": Rule(OFFICE, proposal),
    "formation:proposal_reject": Rule(OFFICE, proposal),
    # Waiting families: each facilitator those of their work area (the candidate lives in fac's).
    "formation:candidate_list": Rule(SIGNED_IN),
    "formation:candidate_create": Rule(SIGNED_IN),
    "formation:candidate_update": Rule(GROUP, lambda w: {"pk": w.candidate.pk}),
    "formation:stage_record": Rule(OFFICE, kube),
    "formation:candidate_place": Rule(POST_ONLY, lambda w: {"pk": w.kube.pk, "candidate_pk": w.candidate.pk}),
    # notifications: everyone's own inbox; a notification is its recipient's (fac's here)
    "notifications:inbox": Rule(SIGNED_IN),
    "notifications:open": Rule(frozenset({FAC}), lambda w: {"pk": w.notification.pk}, redirects=frozenset({FAC})),
    "notifications:mark_all_read": Rule(POST_ONLY),
    "notifications:preferences": Rule(SIGNED_IN),
    "notifications:sent_log": Rule(OFFICE),
    # the queue of jobs: the office's; a job's page is also its owner's, its file its owner's alone
    # (the world's job is the officer's finished export)
    "jobs:list": Rule(OFFICE),
    "jobs:detail": Rule(OFFICE, job),
    "jobs:progress": Rule(OFFICE, job),
    "jobs:rerun": Rule(POST_ONLY, job),
    "jobs:download": Rule(frozenset({OFFICER}), job),
    "groups:export_job": Rule(POST_ONLY),
    "groups:assess_job": Rule(POST_ONLY),
    "healthz_jobs": Rule(PUBLIC),
    # the project
    "healthz": Rule(PUBLIC),
    "offline:manifest": Rule(PUBLIC),
    "offline:service_worker": Rule(PUBLIC),
    "offline:queue": Rule(SIGNED_IN),
    "offline:pages": Rule(SIGNED_IN),
    "login": Rule(PUBLIC),
    "logout": Rule(POST_ONLY),
    "password_change": Rule(SIGNED_IN),
    "password_change_done": Rule(SIGNED_IN),
    "password_reset": Rule(PUBLIC),
    "password_reset_done": Rule(PUBLIC),
    "password_reset_confirm": Rule(PUBLIC, lambda w: {"uidb64": "MQ", "token": "bukan-token"}),
    "password_reset_complete": Rule(PUBLIC),
    "set_language": Rule(POST_ONLY),
    # the read API: its index, schema and documentation page are public and hold no data
    "api:index": Rule(PUBLIC),
    "api:schema": Rule(PUBLIC),
    "api:docs": Rule(PUBLIC),
    "api:kube-list": Rule(TOKEN_ONLY, token_only=True),
    "api:kube-detail": Rule(TOKEN_ONLY, kube, token_only=True),
    "api:membership-list": Rule(TOKEN_ONLY, token_only=True),
    "api:membership-detail": Rule(TOKEN_ONLY, lambda w: {"pk": w.membership.pk}, token_only=True),
    "api:report-list": Rule(TOKEN_ONLY, token_only=True),
    "api:report-detail": Rule(TOKEN_ONLY, lambda w: {"pk": w.report.pk}, token_only=True),
    "api:assessment-list": Rule(TOKEN_ONLY, token_only=True),
    "api:assessment-detail": Rule(TOKEN_ONLY, lambda w: {"pk": w.assessment.pk}, token_only=True),
    "api:partner-list": Rule(TOKEN_ONLY, token_only=True),
    "api:partner-detail": Rule(TOKEN_ONLY, lambda w: {"pk": w.partner.pk}, token_only=True),
    "api:city-list": Rule(TOKEN_ONLY, token_only=True),
    "api:city-detail": Rule(TOKEN_ONLY, lambda w: {"code": "64.74"}, token_only=True),
    "api:aggregate-categories": Rule(TOKEN_ONLY, token_only=True),
    "api:aggregate-completeness": Rule(TOKEN_ONLY, token_only=True),
}


@dataclasses.dataclass
class Pattern:
    name: str
    route: str
    params: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(filter(None, [namespace, entry.name])) if entry.name else prefix + str(entry.pattern)
            # Path converters name the parameters; a regex pattern (the admin's) has groups instead.
            params = tuple(entry.pattern.converters) or tuple(f"group{i}" for i in range(entry.pattern.regex.groups))
            yield Pattern(name, prefix + str(entry.pattern), params)


def project_patterns() -> list[Pattern]:
    return list(walk(get_resolver().url_patterns))


class World:
    """One of everything a URL can name, around one group of the facilitator `fac`.

    Two facilitators working in different kelurahan (fac in Guntung, other in Tanjung
    Laut), each with a group, a work area and a waiting family there; and a person who
    moved from fac's group to other's (`moved_membership` is the ended one in fac's group).
    """

    def __init__(self):
        from finances.models import ReportStatus
        from finances.periods import last_complete_month
        from groups.models import ImportUpload, ImportUploadStatus, Kelurahan
        from tests.finances.factories import (
            AssetFactory,
            GrantFactory,
            LoanFactory,
            MonthlyReportFactory,
            ProductFactory,
        )
        from tests.partnerships.factories import PartnerFactory, PartnershipFactory

        self.users = {
            ADMIN: AdminFactory(username="admin", is_staff=True),
            OFFICER: OfficerFactory(username="petugas"),
            FAC: FacilitatorFactory(username="pendamping1"),
            OTHER: FacilitatorFactory(username="pendamping2"),
            ANON: None,
        }
        guntung, tanjung_laut = (Kelurahan.objects.get(code=c) for c in ("64.74.01.1004", "64.74.02.1001"))
        work_area(self.users[FAC], guntung.code)
        work_area(self.users[OTHER], tanjung_laut.code)
        self.kube = KubeFactory(facilitator=self.users[FAC], founded_on=dt.date(2019, 1, 10), kelurahan=guntung)
        self.other_kube = KubeFactory(facilitator=self.users[OTHER], kelurahan=tanjung_laut)
        self.membership = MembershipFactory(kube=self.kube)
        self.moved_membership = MembershipFactory(
            kube=self.kube, joined_on=dt.date(2020, 4, 1), left_on=dt.date(2023, 6, 30), leave_reason="pindah"
        )
        MembershipFactory(kube=self.other_kube, person=self.moved_membership.person, joined_on=dt.date(2023, 7, 1))
        last = last_complete_month(timezone.localdate())
        self.report = MonthlyReportFactory(kube=self.kube, period=dt.date(2024, 3, 1), status=ReportStatus.SUBMITTED)
        self.open_period = last
        self.grant = GrantFactory(kube=self.kube)
        self.asset = AssetFactory(kube=self.kube)
        self.loan = LoanFactory(membership=self.membership, kube=self.kube)
        self.product = ProductFactory(kube=self.kube)
        self.partner = PartnerFactory()
        self.partnership = PartnershipFactory(kube=self.kube, partner=self.partner)
        self.upload = ImportUpload.objects.create(
            filename="kelompok.csv",
            content=b"nama_kube\n",
            size=10,
            status=ImportUploadStatus.CHECKED,
            summary={},
            uploaded_by=self.users[OFFICER],
        )
        self.assessment = self.make_assessment()
        self.job = self.make_job()
        self.make_formation()
        self.make_visits()
        self.make_training()
        self.make_notification()

    def make_notification(self):
        from notifications.models import Kind, Notification

        self.notification = Notification.objects.create(
            user=self.users[FAC],
            kind=Kind.REPORT_OVERDUE,
            key="uji",
            title="Laporan terlambat",
            body="Isi",
            url=reverse("finances:report_detail", kwargs={"report_pk": self.report.pk}),
        )

    def make_visits(self):
        from tests.monitoring.factories import FollowUpFactory, VisitFactory, VisitPhotoFactory

        self.visit = visit = VisitFactory(kube=self.kube, visitor=self.users[FAC])
        self.visit_photo = VisitPhotoFactory(visit=visit)
        self.follow_up = FollowUpFactory(visit=visit)

    def make_training(self):
        from monitoring.models import Training
        from tests.partnerships.factories import home_city

        self.training = Training.objects.create(
            city=home_city(), title="Pelatihan kompos", held_on=dt.date(2024, 1, 10), kind="pelatihan"
        )
        self.training.participants.set([self.membership])

    def make_formation(self):
        from tests.formation.factories import CandidateFactory, ProposalCandidateFactory, ProposalFactory

        self.proposal = ProposalFactory(facilitator=self.users[FAC])
        self.entry = ProposalCandidateFactory(proposal=self.proposal)
        self.candidate = CandidateFactory(kelurahan=self.kube.kelurahan)
        self.other_candidate = CandidateFactory(kelurahan=self.other_kube.kelurahan)

    def make_job(self):
        from tests.jobs.factories import ExportJobFactory

        return ExportJobFactory(created_by=self.users[OFFICER])

    def make_assessment(self):
        from assessments.services import assessment_run

        return assessment_run(kube=self.kube, as_of=timezone.localdate())


def missing_rule_message(pattern: Pattern) -> str:
    params = ", ".join(f'"{p}": w.<object>.pk' for p in pattern.params)
    kwargs = f", lambda w: {{{params}}}" if params else ""
    return (
        f"URL pattern {pattern.name!r} (route {pattern.route!r}) has no rule in tests/test_url_walker.py. "
        f'Add to RULES: "{pattern.name}": Rule(<who may GET it: PUBLIC, SIGNED_IN, OFFICE, GROUP, '
        f"REPORTER, ADMINS or POST_ONLY>{kwargs}),"
        + (" and build the objects it names in World.__init__." if params else "")
    )


def test_every_url_pattern_has_a_rule():
    missing = [missing_rule_message(p) for p in project_patterns() if not p.is_admin and p.name not in RULES]
    assert missing == [], "\n".join(missing)


def test_no_rule_is_left_for_a_page_that_is_gone():
    names = {p.name for p in project_patterns()}
    assert sorted(set(RULES) - names) == [], "remove these from RULES in tests/test_url_walker.py"


def test_no_url_pattern_carries_personal_data():
    """A NIK, KK or phone number in a path would end up in server logs."""
    for pattern in project_patterns():
        for param in pattern.params:
            assert not {"nik", "kk", "no_kk", "phone", "telepon"} & {param.lower()}, pattern


def expected_ok(rule: Rule, persona: str) -> bool:
    return persona in rule.allowed


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(RULES))
def test_page_answers_only_whom_its_rule_allows(client, name):
    patterns = [p for p in project_patterns() if p.name == name]
    if not patterns:
        pytest.skip(f"{name} is not a URL pattern any more")
    rule = RULES[name]
    world = World()
    url = reverse(name, kwargs=rule.kwargs(world) or None)
    answers = {}
    for persona in PERSONAS:
        client.logout()
        if world.users[persona] is not None:
            client.force_login(world.users[persona])
        response = client.get(url)
        answers[persona] = response.status_code
        if response.status_code == 302 and persona == ANON and rule.allowed != POST_ONLY:
            assert response["Location"].startswith(reverse("login")), (url, persona, response["Location"])
    if os.environ.get("URL_WALKER_PRINT"):
        print(f"\n{name} {url} {answers}")
    for persona, status in answers.items():
        assert status < 500, (url, persona, status)
        if expected_ok(rule, persona):
            assert status == 200 or (status == 302 and persona in rule.redirects), (url, persona, answers)
        else:
            assert status != 200, f"{url} answers 200 to {persona}, whom its rule excludes: {answers}"
            if persona == ANON:
                assert status in {302, 404, 405} or (status == 401 and rule.token_only), (url, answers)
            elif rule.token_only:
                assert status == 401, (url, persona, answers)


@pytest.mark.django_db
def test_admin_pages_only_for_the_admin(client):
    """The Django admin as a family: every list page without parameters."""
    world = World()
    pages = [p for p in project_patterns() if p.is_admin and ":" in p.name and not p.params]
    assert len(pages) > 10
    for persona in PERSONAS:
        client.logout()
        if world.users[persona] is not None:
            client.force_login(world.users[persona])
        for pattern in pages:
            if pattern.name in {"admin:logout"}:
                continue
            status = client.get(reverse(pattern.name)).status_code
            assert status < 500, (pattern.name, persona, status)
            if persona != ADMIN and pattern.name != "admin:login":
                assert status != 200, (pattern.name, persona)


# Every page that names a member, and every page that names a waiting family.
MEMBER_PAGES = ("groups:member_role", "groups:member_leave", "groups:person_update")
CANDIDATE_PAGES = {
    "formation:candidate_update": lambda w, c: {"pk": c.pk},
    "formation:candidate_place": lambda w, c: {"pk": w.kube.pk, "candidate_pk": c.pk},
}


def test_person_scope_pages_cover_every_pattern_that_names_a_member_or_family():
    named = {p.name for p in project_patterns() if {"membership_pk", "candidate_pk"} & set(p.params)}
    named |= {p.name for p in project_patterns() if p.name.startswith("formation:candidate_") and p.params}
    assert named <= set(MEMBER_PAGES) | set(CANDIDATE_PAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_facilitator_gets_404_for_a_moved_person_and_a_family_outside_their_area(client, method):
    """Through their own group's URL: the old (ended) membership of a person now in
    another facilitator's group, and a waiting family of another work area: exactly 404."""
    world = World()
    client.force_login(world.users[FAC])
    urls = [
        reverse(name, kwargs={"pk": world.kube.pk, "membership_pk": world.moved_membership.pk}) for name in MEMBER_PAGES
    ]
    # A POST-only action answers GET with 405 to everyone before any lookup: asked by POST only.
    urls += [
        reverse(name, kwargs=kwargs(world, world.other_candidate))
        for name, kwargs in CANDIDATE_PAGES.items()
        if method == "post" or RULES[name].allowed != POST_ONLY
    ]
    data = {"name": "Diubah", "sex": "P", "role": "ketua", "left_on": "2024-01-01", "leave_reason": "lainnya"}
    answers = {url: getattr(client, method)(url, data).status_code for url in urls}
    assert set(answers.values()) == {404}, answers
    world.moved_membership.person.refresh_from_db()
    world.other_candidate.refresh_from_db()
    assert world.moved_membership.person.name != "Diubah"
    assert world.other_candidate.name != "Diubah"
