"""Every export of the registry leaves a row in the audit trail: who, when, masked or not."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from kube_registry.downloads import UNDECLARED, ExportAuditMiddleware, is_file_response
from kube_registry.models import ExportRecord, ExportSource
from tests.factories import MembershipFactory, make_nik

pytestmark = pytest.mark.django_db


def test_an_admins_unmasked_web_export_is_recorded_with_who_and_when(client_for, admin_user, kube):
    MembershipFactory(kube=kube)
    moment = timezone.now().replace(microsecond=0)
    with freeze_time(moment):
        response = client_for(admin_user).get(reverse("groups:kube_export", args=["xlsx"]), {"status": "aktif"})
    assert response.status_code == 200
    record = ExportRecord.objects.get()
    assert record.user == admin_user
    assert record.actor == admin_user.username
    assert record.source == ExportSource.WEB
    assert record.is_unmasked is True
    assert record.file_format == "xlsx"
    assert record.group_count == 1
    assert record.query == "status=aktif"
    assert record.created_at == moment


def test_a_masked_web_export_is_recorded_as_masked(client_for, officer, kube):
    client_for(officer).get(reverse("groups:kube_export", args=["csv"]))
    record = ExportRecord.objects.get()
    assert (record.user, record.is_unmasked, record.file_format) == (officer, False, "csv")


def test_the_unmasked_command_is_recorded(tmp_path, admin_user, kube):
    call_command("export_registry", "--output", str(tmp_path / "r.xlsx"), "--unmasked", "--user", "admin")
    record = ExportRecord.objects.get()
    assert record.source == ExportSource.COMMAND
    assert record.is_unmasked is True
    assert record.user == admin_user
    assert record.actor.endswith("(admin)")
    assert record.group_count == 1


def test_the_command_without_user_records_the_system_account(tmp_path, kube):
    call_command("export_registry", "--output", str(tmp_path / "r.csv"))
    record = ExportRecord.objects.get()
    assert record.user is None and record.actor and record.is_unmasked is False


def test_an_unknown_user_writes_no_file_and_no_record(tmp_path):
    with pytest.raises(CommandError):
        call_command("export_registry", "--output", str(tmp_path / "r.xlsx"), "--user", "siapa")
    assert not (tmp_path / "r.xlsx").exists()
    assert not ExportRecord.objects.exists()


def test_the_audit_trail_is_read_only_in_the_admin(client_for, admin_user, kube):
    client_for(admin_user).get(reverse("groups:kube_export", args=["csv"]))
    record = ExportRecord.objects.get()
    client = client_for(admin_user)
    assert client.get(reverse("admin:kube_registry_exportrecord_changelist")).status_code == 200
    delete = reverse("admin:kube_registry_exportrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ExportRecord.objects.count() == 1


# --- Every file any page hands out is recorded ------------------------------------------


def _file_text(response) -> str:
    """The file's text: a CSV decoded, an .xlsx's XML parts joined."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return content.decode("utf-8-sig", "replace")


def _full_numbers() -> set[str]:
    """Every NIK and KK in the registry, first renumbered away from the import template's
    example row (whose made-up NIK is the factories' first one)."""
    from formation.models import Candidate
    from groups.models import Person

    numbers = set()
    for offset, model in ((7000, Person), (8000, Candidate)):
        for serial, pk in enumerate(model.objects.values_list("pk", flat=True), start=offset):
            nik = make_nik(serial=serial, region="647403")
            model.objects.filter(pk=pk).update(nik=nik, kk=f"6474031{serial:09d}")
        for nik, kk in model.objects.values_list("nik", "kk"):
            numbers |= {nik, kk} - {""}
    return numbers


def _variants(kwargs: dict) -> list[dict]:
    if "fmt" not in kwargs:
        return [kwargs]
    return [{**kwargs, "fmt": fmt} for fmt in ("xlsx", "csv")]


FILE_TYPES = ("text/csv", "application/vnd", "application/octet-stream", "application/zip")


# The API's OpenAPI document (YAML, application/vnd.oai.openapi) describes the API and holds no
# registry data: shown, not an export (api.views.SchemaView).
NOT_DATA = {"api:schema"}


def test_every_file_any_page_hands_out_is_recorded_with_who_what_format_and_masking(client):
    """Walks every URL pattern (tests/test_url_walker.py) as each signed-in persona.

    A response that is a file must have written exactly one ExportRecord through
    export_response (not the middleware's undeclared safety net) naming the user, the
    file, its format and whether NIK/KK are full; a file recorded as masked must hold
    no full NIK or KK of anyone in the registry.
    """
    from tests.test_url_walker import ANON, RULES, World, project_patterns

    world = World()
    numbers = _full_numbers()
    assert numbers
    files_seen = set()
    for pattern in project_patterns():
        if pattern.is_admin or pattern.name not in RULES or pattern.name in NOT_DATA:
            continue
        for kwargs in _variants(RULES[pattern.name].kwargs(world)):
            url = reverse(pattern.name, kwargs=kwargs or None)
            for persona, user in world.users.items():
                if persona == ANON:
                    continue
                client.force_login(user)
                before = ExportRecord.objects.count()
                for query in ({}, {"format": "csv"}):
                    response = client.get(url, query)
                    content_type = response.get("Content-Type", "")
                    if not is_file_response(response):
                        assert not content_type.startswith(FILE_TYPES), (url, persona, content_type)
                        continue
                    files_seen.add(pattern.name)
                    assert ExportRecord.objects.count() == before + 1, (url, persona, "not recorded exactly once")
                    before += 1
                    record = ExportRecord.objects.order_by("-pk").first()
                    filename = response["Content-Disposition"].split("filename=")[-1].strip('"')
                    assert not record.what.startswith(UNDECLARED), (url, "bypassed export_response")
                    assert record.what and record.source == ExportSource.WEB
                    assert (record.user, record.actor) == (user, user.username), url
                    assert record.file_format == filename.rsplit(".", 1)[-1], (url, record.file_format, filename)
                    if not record.is_unmasked:
                        text = _file_text(response)
                        leaked = sorted(number for number in numbers if number in text)
                        assert leaked == [], (url, persona, "recorded as masked but holds full numbers", leaked)
                    if not user.has_perm("groups.view_personal_data"):
                        assert not record.is_unmasked, (url, persona)
    assert {
        "groups:kube_export",
        "groups:import_template",
        "formation:proposal_export",
        "partnerships:partnership_export",
        "assessments:dashboard_export",
    } <= files_seen


def test_the_proposal_list_export_is_recorded_unmasked_for_an_admin_and_masked_for_a_facilitator(
    client_for, admin_user, facilitator
):
    from tests.formation.factories import ProposalCandidateFactory, ProposalFactory

    entry = ProposalCandidateFactory(proposal=ProposalFactory(facilitator=facilitator))
    full = client_for(admin_user).get(reverse("formation:proposal_export", args=["csv"]))
    assert entry.candidate.nik in full.content.decode("utf-8-sig")
    masked = client_for(facilitator).get(reverse("formation:proposal_export", args=["xlsx"]))
    assert entry.candidate.nik not in _file_text(masked)
    records = list(ExportRecord.objects.order_by("pk").values_list("user", "what", "file_format", "is_unmasked"))
    assert records == [(admin_user.pk, "usulan", "csv", True), (facilitator.pk, "usulan", "xlsx", False)]


def test_partnership_and_dashboard_files_are_recorded(client_for, officer, kube):
    client = client_for(officer)
    client.get(reverse("partnerships:partnership_export"), {"format": "csv"})
    client.get(reverse("assessments:dashboard_export", args=["kategori", "xlsx"]))
    client.get(reverse("groups:import_template"))
    records = list(ExportRecord.objects.order_by("pk").values_list("user", "what", "file_format", "is_unmasked"))
    assert records == [
        (officer.pk, "kemitraan", "csv", False),
        (officer.pk, "dasbor-kategori", "xlsx", False),
        (officer.pk, "templat-impor", "xlsx", False),
    ]


def test_a_file_that_bypasses_export_response_is_still_recorded_as_unmasked(rf, officer):
    def forgetful_view(request):
        response = HttpResponse(b"nik\n6474010101900001\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="lupa.csv"'
        return response

    request = rf.get("/lupa/ekspor/", {"q": "x", "page": "2"})
    request.user = officer
    response = ExportAuditMiddleware(forgetful_view)(request)
    record = ExportRecord.objects.get()
    assert response.export_record == record
    assert (record.user, record.what, record.file_format, record.is_unmasked, record.query) == (
        officer,
        "tidak-dideklarasikan:/lupa/ekspor/",
        "csv",
        True,
        "q=x",
    )


def test_an_ordinary_page_writes_no_record(rf, officer):
    request = rf.get("/")
    request.user = officer
    ExportAuditMiddleware(lambda request: HttpResponse("<html></html>"))(request)
    assert not ExportRecord.objects.exists()


def test_the_commands_record_says_what(tmp_path, kube):
    call_command("export_registry", "--output", str(tmp_path / "r.xlsx"))
    assert ExportRecord.objects.get().what == "registri"
