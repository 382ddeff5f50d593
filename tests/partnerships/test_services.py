import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from partnerships import services
from partnerships.models import Partner, PartnerKind, PartnerMerge, Partnership
from tests.factories import KubeFactory
from tests.partnerships.factories import PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

D = dt.date


def error_on(exc: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


# --- Partners ---------------------------------------------------------------------------


def test_partner_create_stores_clean_name_and_key(officer):
    partner = services.partner_create(actor=officer, name="  PT  Pupuk Kaltim ", kind=PartnerKind.SWASTA)
    assert (partner.name, partner.name_key, partner.kind) == ("PT Pupuk Kaltim", "ptpupukkaltim", "swasta")
    record = partner.history.get()
    assert (record.history_type, record.history_user) == ("+", officer)


@pytest.mark.parametrize("spelling", ["PT. Pupuk Kaltim", "pt pupuk  kaltim", "P.T. PUPUK-KALTIM"])
def test_partner_create_refuses_the_same_institution_naming_it(officer, spelling):
    services.partner_create(actor=officer, name="PT Pupuk Kaltim", kind=PartnerKind.SWASTA)
    with pytest.raises(ValidationError) as exc:
        services.partner_create(actor=officer, name=spelling, kind=PartnerKind.SWASTA)
    assert error_on(exc, "name") == services.MSG_PARTNER_EXISTS.format(name="PT Pupuk Kaltim")
    assert "“PT Pupuk Kaltim”" in error_on(exc, "name")
    assert Partner.objects.count() == 1


def test_partner_create_refuses_a_name_without_letters(officer):
    with pytest.raises(ValidationError) as exc:
        services.partner_create(actor=officer, name=" .-. ", kind=PartnerKind.SWASTA)
    assert error_on(exc, "name") == services.MSG_NAME_EMPTY


def test_partner_update_may_respell_its_own_name_but_not_take_another(officer):
    partner = PartnerFactory(name="Bank Kaltimtara")
    PartnerFactory(name="BRI Unit Bontang")
    services.partner_update(actor=officer, partner=partner, name="BANK KALTIMTARA", contact="0548-123")
    partner.refresh_from_db()
    assert (partner.name, partner.contact) == ("BANK KALTIMTARA", "0548-123")
    assert partner.history.latest().history_user == officer
    with pytest.raises(ValidationError) as exc:
        services.partner_update(actor=officer, partner=partner, name="bri unit bontang")
    assert "BRI Unit Bontang" in error_on(exc, "name")


def test_partner_update_without_changes_writes_no_history(officer):
    partner = services.partner_create(actor=officer, name="Forum Kota Sehat", kind=PartnerKind.MASYARAKAT)
    services.partner_update(actor=officer, partner=partner, name="Forum Kota Sehat", kind=PartnerKind.MASYARAKAT)
    assert partner.history.count() == 1


def test_partner_get_or_create_matches_by_key(officer):
    existing = PartnerFactory(name="Yayasan Bikal Karya Lestari", kind=PartnerKind.LSM)
    found, created = services.partner_get_or_create(actor=officer, name="yayasan bikal karya-lestari", kind="media")
    assert (found, created) == (existing, False)
    new, created = services.partner_get_or_create(actor=officer, name="Bontang Post", kind=PartnerKind.MEDIA)
    assert created and new.kind == "media"


# --- Partnerships -----------------------------------------------------------------------


def test_partnership_add_records_forms_dates_and_actor(facilitator, kube):
    partner = PartnerFactory()
    partnership = services.partnership_add(
        actor=facilitator, kube=kube, partner=partner, forms=["pemasaran", "permodalan"], started_on=D(2021, 3, 1)
    )
    assert partnership.forms == ["permodalan", "pemasaran"]
    assert (partnership.started_on, partnership.ended_on) == (D(2021, 3, 1), None)
    assert partnership.history.get().history_user == facilitator


def test_partnership_add_refuses_a_second_open_partnership_with_the_same_partner(officer, kube):
    partner = PartnerFactory(name="Dinas Sosial")
    services.partnership_add(actor=officer, kube=kube, partner=partner, forms=["koordinasi"], started_on=D(2021, 1, 4))
    with pytest.raises(ValidationError) as exc:
        services.partnership_add(
            actor=officer, kube=kube, partner=partner, forms=["pendampingan"], started_on=D(2022, 1, 3)
        )
    assert error_on(exc, "partner") == services.MSG_OPEN_EXISTS.format(partner="Dinas Sosial", date="4 Jan 2021")
    assert Partnership.objects.count() == 1


def test_partnership_add_refuses_overlapping_periods_but_not_consecutive_ones(officer, kube):
    partner = PartnerFactory()
    PartnershipFactory(kube=kube, partner=partner, started_on=D(2020, 6, 1), ended_on=D(2021, 5, 31))
    with pytest.raises(ValidationError) as exc:
        services.partnership_add(
            actor=officer, kube=kube, partner=partner, forms=["koordinasi"], started_on=D(2021, 5, 31)
        )
    assert "bertumpang tindih" in error_on(exc, "started_on")
    services.partnership_add(actor=officer, kube=kube, partner=partner, forms=["koordinasi"], started_on=D(2021, 6, 1))
    assert Partnership.objects.filter(kube=kube, partner=partner).count() == 2


@freeze_time("2024-06-15")
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"forms": []}, "forms", services.MSG_NO_FORM),
        ({"forms": ["arisan"]}, "forms", services.MSG_FORM_UNKNOWN.format(form="arisan")),
        ({"started_on": D(2024, 6, 16)}, "started_on", services.MSG_DATE_IN_FUTURE),
        ({"started_on": D(2020, 3, 31)}, "started_on", services.MSG_STARTED_BEFORE_FOUNDED.format(date="1 Apr 2020")),
        ({"ended_on": D(2021, 1, 1)}, "ended_on", services.MSG_ENDED_BEFORE_STARTED.format(date="2 Jan 2021")),
        ({"ended_on": D(2024, 6, 16)}, "ended_on", services.MSG_DATE_IN_FUTURE),
    ],
)
def test_partnership_add_refuses_invalid_values_naming_the_field(officer, kube, values, field, message):
    arguments = {"forms": ["koordinasi"], "started_on": D(2021, 1, 2), "ended_on": None} | values
    with pytest.raises(ValidationError) as exc:
        services.partnership_add(actor=officer, kube=kube, partner=PartnerFactory(), **arguments)
    assert error_on(exc, field) == message
    assert not Partnership.objects.exists()


def test_partnership_update_changes_forms_and_dates(officer, kube):
    partnership = PartnershipFactory(kube=kube)
    services.partnership_update(
        actor=officer,
        partnership=partnership,
        forms=["koordinasi", "pemasaran"],
        started_on=D(2020, 12, 1),
        ended_on=D(2022, 1, 31),
    )
    partnership.refresh_from_db()
    assert partnership.forms == ["koordinasi", "pemasaran"]
    assert (partnership.started_on, partnership.ended_on) == (D(2020, 12, 1), D(2022, 1, 31))
    assert partnership.history.latest().history_user == officer


def test_partnership_update_may_not_reopen_beside_another_open_one(officer, kube):
    partner = PartnerFactory()
    old = PartnershipFactory(kube=kube, partner=partner, started_on=D(2020, 5, 1), ended_on=D(2020, 12, 31))
    PartnershipFactory(kube=kube, partner=partner, started_on=D(2021, 1, 4))
    with pytest.raises(ValidationError) as exc:
        services.partnership_update(
            actor=officer, partnership=old, forms=["koordinasi"], started_on=D(2020, 5, 1), ended_on=None
        )
    assert "partner" in exc.value.message_dict


def test_partnership_end_records_the_last_day_once(officer, kube):
    partnership = PartnershipFactory(kube=kube, started_on=D(2021, 1, 4))
    with pytest.raises(ValidationError) as exc:
        services.partnership_end(actor=officer, partnership=partnership, ended_on=D(2021, 1, 3))
    assert error_on(exc, "ended_on") == services.MSG_ENDED_BEFORE_STARTED.format(date="4 Jan 2021")
    services.partnership_end(actor=officer, partnership=partnership, ended_on=D(2023, 3, 31))
    partnership.refresh_from_db()
    assert partnership.ended_on == D(2023, 3, 31)
    assert partnership.history.latest().history_user == officer
    with pytest.raises(ValidationError) as exc:
        services.partnership_end(actor=officer, partnership=partnership, ended_on=D(2023, 4, 30))
    assert error_on(exc, "ended_on") == services.MSG_ALREADY_ENDED.format(date="31 Mar 2023")


# --- Merging ----------------------------------------------------------------------------


@pytest.fixture
def duplicates(db):
    """The same bank entered twice, each with its own groups, sharing one group."""
    keep = PartnerFactory(name="Bank Kaltimtara", kind=PartnerKind.LEMBAGA_KEUANGAN)
    remove = PartnerFactory(name="Bankaltimtara Cabang Bontang", kind=PartnerKind.LEMBAGA_KEUANGAN)
    shared, only_keep, only_remove = KubeFactory(), KubeFactory(), KubeFactory()
    rows = {
        "shared_keep": PartnershipFactory(
            kube=shared, partner=keep, has_koordinasi=False, has_permodalan=True, started_on=D(2021, 3, 1)
        ),
        "shared_remove": PartnershipFactory(
            kube=shared, partner=remove, has_konsultasi_teknis=True, started_on=D(2020, 9, 1)
        ),
        # A past partnership of the shared group that overlaps neither: kept apart.
        "shared_remove_past": PartnershipFactory(
            kube=shared, partner=remove, started_on=D(2020, 5, 1), ended_on=D(2020, 8, 31)
        ),
        "only_keep": PartnershipFactory(kube=only_keep, partner=keep),
        "only_remove": PartnershipFactory(kube=only_remove, partner=remove, ended_on=D(2022, 12, 31)),
    }
    return keep, remove, (shared, only_keep, only_remove), rows


def test_partner_merge_moves_every_partnership_and_combines_open_ones(admin_user, duplicates):
    keep, remove, (shared, only_keep, only_remove), rows = duplicates
    result = services.partner_merge(actor=admin_user, keep=keep, remove=remove)

    assert not Partner.objects.filter(pk=remove.pk).exists()
    assert (result.moved, result.combined) == (3, 1)
    assert Partnership.objects.filter(partner=keep).count() == 4
    # No group lost its partner: each still has it, with the forms and dates it had.
    combined = Partnership.objects.get(kube=shared, partner=keep, ended_on__isnull=True)
    assert combined.pk == rows["shared_keep"].pk  # the kept partner's row goes on
    assert combined.forms == ["konsultasi_teknis", "koordinasi", "permodalan"]
    assert combined.started_on == D(2020, 9, 1)
    past = Partnership.objects.get(kube=shared, partner=keep, ended_on__isnull=False)
    assert (past.pk, past.started_on, past.ended_on) == (rows["shared_remove_past"].pk, D(2020, 5, 1), D(2020, 8, 31))
    assert Partnership.objects.get(kube=only_keep).partner == keep
    moved = Partnership.objects.get(kube=only_remove)
    assert (moved.pk, moved.partner, moved.ended_on) == (rows["only_remove"].pk, keep, D(2022, 12, 31))


def test_partner_merge_keeps_the_history_and_who_merged(admin_user, duplicates):
    keep, remove, _groups, rows = duplicates
    services.partner_merge(actor=admin_user, keep=keep, remove=remove)

    record = PartnerMerge.objects.get()
    assert (record.kept, record.removed_name, record.merged_by) == (keep, "Bankaltimtara Cabang Bontang", admin_user)
    assert record.merged_at is not None
    # The removed partner's history stays, ending with its deletion by the admin.
    removed_history = Partner.history.filter(id=remove.pk).order_by("history_date")
    assert [h.history_type for h in removed_history] == ["+", "-"]
    assert removed_history.last().history_user == admin_user
    assert "Bank Kaltimtara" in removed_history.last().history_change_reason
    # The folded row's history too: created under the old partner, deleted in the merge.
    folded = Partnership.history.filter(id=rows["shared_remove"].pk).order_by("history_date")
    assert [h.history_type for h in folded] == ["+", "-"]
    assert folded.first().partner_id == remove.pk
    assert folded.last().history_user == admin_user
    moved = Partnership.history.filter(id=rows["only_remove"].pk).order_by("history_date")
    assert [(h.history_type, h.partner_id) for h in moved] == [("+", remove.pk), ("~", keep.pk)]
    assert moved.last().history_user == admin_user


def test_partner_merge_keeps_the_old_name_findable(admin_user, officer, duplicates):
    keep, remove, _groups, _rows = duplicates
    services.partner_merge(actor=admin_user, keep=keep, remove=remove)
    assert services.partner_find("BANKALTIMTARA cabang bontang", city=keep.city) == keep
    with pytest.raises(ValidationError) as exc:
        services.partner_create(actor=officer, name="Bankaltimtara Cabang Bontang", kind="lembaga_keuangan")
    assert "Bank Kaltimtara" in error_on(exc, "name")
    # Merged again into a third partner, the oldest name follows.
    third = PartnerFactory(name="Bank Pembangunan Daerah Kaltimtara")
    services.partner_merge(actor=admin_user, keep=third, remove=keep)
    assert services.partner_find("Bankaltimtara Cabang Bontang", city=keep.city) == third
    assert services.partner_find("Bank Kaltimtara", city=keep.city) == third


def test_partner_merge_two_closed_overlapping_partnerships_become_one(admin_user, kube):
    keep, remove = PartnerFactory(), PartnerFactory()
    PartnershipFactory(kube=kube, partner=keep, started_on=D(2021, 1, 1), ended_on=D(2021, 6, 30))
    PartnershipFactory(
        kube=kube, partner=remove, has_pemasaran=True, started_on=D(2021, 3, 1), ended_on=D(2021, 12, 31)
    )
    services.partner_merge(actor=admin_user, keep=keep, remove=remove)
    row = Partnership.objects.get(kube=kube)
    assert (row.started_on, row.ended_on, row.forms) == (D(2021, 1, 1), D(2021, 12, 31), ["koordinasi", "pemasaran"])


def test_partner_merge_a_closed_and_an_overlapping_open_one_stays_open(admin_user, kube):
    keep, remove = PartnerFactory(), PartnerFactory()
    PartnershipFactory(kube=kube, partner=keep, started_on=D(2021, 1, 1), ended_on=D(2021, 6, 30))
    PartnershipFactory(kube=kube, partner=remove, started_on=D(2021, 5, 1))
    services.partner_merge(actor=admin_user, keep=keep, remove=remove)
    row = Partnership.objects.get(kube=kube)
    assert (row.partner, row.started_on, row.ended_on) == (keep, D(2021, 1, 1), None)


def test_partner_merge_refuses_a_partner_with_itself(admin_user):
    partner = PartnerFactory()
    with pytest.raises(ValidationError) as exc:
        services.partner_merge(actor=admin_user, keep=partner, remove=partner)
    assert error_on(exc, "remove") == services.MSG_MERGE_SELF
