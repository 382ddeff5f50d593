"""The membership rules (groups.rules): pure functions the service and the import both call."""

import datetime as dt

from groups import resources, rules, services
from groups.models import Role

D = dt.date
TODAY = D(2024, 6, 15)


def test_dates_one_message_a_field():
    assert rules.membership_date_problems(
        joined_on=D(2019, 1, 1), left_on=D(2018, 1, 1), founded_on=D(2020, 1, 1), today=TODAY
    ) == {
        "joined_on": "Tanggal masuk tidak boleh sebelum KUBE berdiri (01-01-2020).",
        "left_on": "Tanggal keluar tidak boleh sebelum tanggal masuk (01-01-2019).",
    }
    assert rules.membership_date_problems(joined_on=D(2024, 7, 1), left_on=D(2024, 8, 1), today=TODAY) == {
        "joined_on": rules.MSG_DATE_IN_FUTURE,
        "left_on": rules.MSG_DATE_IN_FUTURE,
    }
    assert rules.membership_date_problems(joined_on=D(2021, 1, 1), founded_on=D(2020, 1, 1), today=TODAY) == {}


def test_leaving_needs_both_date_and_reason():
    assert rules.leaving_problems(left_on=D(2024, 1, 1), leave_reason="") == {
        "leave_reason": rules.MSG_LEFT_NEEDS_REASON
    }
    assert rules.leaving_problems(left_on=None, leave_reason="pindah") == {"left_on": rules.MSG_REASON_NEEDS_DATE}
    assert rules.leaving_problems(left_on=D(2024, 1, 1), leave_reason="pindah") == {}


def test_officer_places_and_messages():
    assert rules.holds_one_place(Role.KETUA) and not rules.holds_one_place(Role.ANGGOTA)
    assert rules.role_taken_message(Role.BENDAHARA, "Siti") == (
        "KUBE ini sudah memiliki bendahara aktif: Siti. Ubah dulu jabatan Siti atau catat keluarnya."
    )


def test_service_and_import_state_the_rules_once():
    # Neither keeps a copy of a rule's message: both name the rules module's.
    assert services.MSG_ROLE_TAKEN is rules.MSG_ROLE_TAKEN
    assert services.MSG_ACTIVE_ELSEWHERE is rules.MSG_ACTIVE_ELSEWHERE
    for name in ("MSG_LEFT_NEEDS_REASON", "MSG_REASON_NEEDS_DATE", "MSG_LEFT_BEFORE_JOINED", "MSG_ROLE_TAKEN"):
        assert not hasattr(resources, name)
